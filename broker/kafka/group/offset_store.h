#pragma once
// OffsetStore: makes consumer-group commits durable in the internal topic
// `__consumer_offsets` (one partition) through the Broker facade, the way
// Kafka does: each commit appends records (key: group, topic, partition;
// value: offset, metadata) with acks=all, and Load() replays the topic into
// the GroupCoordinator at start (later records win). The topic has no
// compaction yet; its retention (the broker default, 7 days) bounds how
// long an idle group's offsets are kept, like Kafka's offsets.retention.
// Record format: docs/KAFKA.md ("Committed offsets").
//
// Thread safety: Append() from any thread; Load() once, before serving.
// `broker` must outlive the store and every Append callback.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "broker/core/broker.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/kafka/group/txn_offset_buffer.h"

namespace rtai::kafka {

inline constexpr char kOffsetsTopic[] = "__consumer_offsets";

class OffsetStore {
 public:
  using Offsets = std::vector<std::pair<GroupCoordinator::TopicPartition, CommittedOffset>>;

  // `clock` stamps record timestamps (retention ages them); it must outlive
  // the store.
  OffsetStore(broker::Broker* broker, Clock* clock) : broker_(broker), clock_(clock) {}

  // Creates the topic if missing and replays it into `groups`. Blocks on
  // disk. Returns the number of commit records applied; malformed records
  // are skipped and logged. Transactional records are applied when their
  // commit marker follows, dropped at an abort marker, and left in
  // `pending` (when given) when no marker follows yet.
  absl::StatusOr<int64_t> Load(GroupCoordinator* groups, TxnOffsetBuffer* pending = nullptr);

  // Appends `offsets` of `group_id` durably; `done` gets OK once they are
  // on disk, or the Broker's error.
  void Append(const std::string& group_id, const Offsets& offsets,
              absl::AnyInvocable<void(absl::Status)> done);
  // Append inside `producer_id`'s transaction (TxnOffsetCommit): the
  // batches are transactional, without sequence numbers; the partition must
  // be in the producer's transaction (AddOffsetsToTxn).
  void AppendTransactional(const std::string& group_id, const Offsets& offsets,
                           int64_t producer_id, int16_t producer_epoch,
                           absl::AnyInvocable<void(absl::Status)> done);

  // The record key and value of one commit (exposed for tests).
  static std::string EncodeKey(const std::string& group_id,
                               const GroupCoordinator::TopicPartition& tp);
  static std::string EncodeValue(const CommittedOffset& committed);
  // False for records this version does not understand.
  static bool Decode(const std::string& key, const std::string& value, std::string* group_id,
                     GroupCoordinator::TopicPartition* tp, CommittedOffset* committed);

 private:
  void AppendBatches(const std::string& group_id, const Offsets& offsets, int64_t producer_id,
                     int16_t producer_epoch, absl::AnyInvocable<void(absl::Status)> done);
  // Applies (or buffers) the records of one fetched batch.
  void LoadBatch(absl::string_view batch, GroupCoordinator* groups, TxnOffsetBuffer* pending,
                 int64_t* applied, int64_t* skipped);

  broker::Broker* const broker_;
  Clock* const clock_;
};

}  // namespace rtai::kafka
