#pragma once
// BrokerGroupOffsets: engine::io::GroupOffsets over the broker's Kafka
// consumer-group coordinator (kafka::GroupCoordinator) and its durable
// store (kafka::OffsetStore, the __consumer_offsets topic) — the very
// storage OffsetCommit / OffsetFetch use, so Kafka clients and jobs see
// each other's commits. A commit is what a Kafka client's standalone
// OffsetCommit (generation -1, no member id) does: the coordinator's checks,
// an acks=all append to __consumer_offsets (when the broker persists
// offsets), then the in-memory update. A group with active members refuses
// it (Kafka's UNKNOWN_MEMBER_ID), reported as kFailedPrecondition.
//
// The coordinator belongs to the Kafka listener, which loads the committed
// offsets when it starts: rtaid Attach()es them once it has, before any job
// runs. Unattached (no Kafka listener), calls are kFailedPrecondition.
// Thread-safe. Commit blocks until the append is on disk (task threads
// only, never a network thread).

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/kafka/group/offset_store.h"
#include "engine/io/group_offsets.h"

namespace rtai::cli {

class BrokerGroupOffsets : public engine::io::GroupOffsets {
 public:
  // How long Commit waits for the durable append.
  static constexpr int64_t kCommitTimeoutMs = 30'000;

  // `groups` (non-null) and `store` (null: commits stay in memory, as the
  // listener's own) must outlive every later call.
  void Attach(kafka::GroupCoordinator* groups, kafka::OffsetStore* store);

  absl::StatusOr<std::vector<int64_t>> Fetch(const std::string& group, const std::string& topic,
                                             const std::vector<int32_t>& partitions) override;
  absl::Status Commit(const std::string& group, const std::string& topic,
                      const std::vector<engine::io::PartitionOffset>& offsets) override;

 private:
  absl::StatusOr<kafka::GroupCoordinator*> Groups(kafka::OffsetStore** store);

  absl::Mutex mu_;
  kafka::GroupCoordinator* groups_ ABSL_GUARDED_BY(mu_) = nullptr;
  kafka::OffsetStore* store_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace rtai::cli
