#pragma once
// TxnOffsetBuffer: consumer offsets committed inside a transaction
// (TxnOffsetCommit), held per producer id until the transaction ends: on
// commit they are applied to the GroupCoordinator (OffsetFetch sees them),
// on abort dropped. Durability is the OffsetStore's: the offsets are written
// to __consumer_offsets as transactional records and the coordinator's
// marker decides them, so OffsetStore::Load rebuilds this buffer for
// transactions still open at a restart (docs/TRANSACTIONS.md).
//
// Bounded: at most max_offsets buffered offsets over all producers; Add
// beyond it fails (the client retries later). Thread-safe.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "broker/kafka/group/group_coordinator.h"

namespace rtai::kafka {

class TxnOffsetBuffer {
 public:
  using Offsets = std::vector<std::pair<GroupCoordinator::TopicPartition, CommittedOffset>>;

  explicit TxnOffsetBuffer(size_t max_offsets = 1'000'000) : max_offsets_(max_offsets) {}

  // Buffers `offsets` of `group_id` for `producer_id`'s open transaction.
  // False (nothing buffered) when the buffer is full.
  bool Add(int64_t producer_id, const std::string& group_id, const Offsets& offsets);
  // Ends `producer_id`'s transaction: applies its offsets to `groups` when
  // `commit`, else drops them. Returns the number of offsets applied.
  size_t Complete(int64_t producer_id, bool commit, GroupCoordinator* groups);
  size_t size() const;

 private:
  struct Pending {
    std::string group_id;
    Offsets offsets;
  };
  const size_t max_offsets_;
  mutable absl::Mutex mu_;
  std::unordered_map<int64_t, std::vector<Pending>> pending_ ABSL_GUARDED_BY(mu_);
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rtai::kafka
