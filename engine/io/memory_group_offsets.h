#pragma once
// MemoryGroupOffsets: GroupOffsets in memory, with Kafka's rule for
// standalone commits (refused while the group has active members, which
// tests declare with SetActiveMembers) and an injectable commit failure.
// Used by MemoryPartitionClient (tests, benchmarks). Bounded: at most
// `max_offsets` committed (group, topic, partition) entries; commits of new
// entries beyond it are kResourceExhausted. Thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/io/group_offsets.h"

namespace rtai::engine::io {

class MemoryGroupOffsets : public GroupOffsets {
 public:
  explicit MemoryGroupOffsets(size_t max_offsets = 1'000'000) : max_offsets_(max_offsets) {}

  absl::StatusOr<std::vector<int64_t>> Fetch(const std::string& group, const std::string& topic,
                                             const std::vector<int32_t>& partitions) override;
  absl::Status Commit(const std::string& group, const std::string& topic,
                      const std::vector<PartitionOffset>& offsets) override;

  // Whether `group` has active (joined) members; while it does, Commit is
  // refused as Kafka refuses a standalone commit.
  void SetActiveMembers(const std::string& group, bool active);
  // Every Commit from now on fails with `status` (OK: succeeds again).
  void FailCommits(absl::Status status);
  // Successful Commit calls so far.
  int64_t commits();

 private:
  using Key = std::tuple<std::string, std::string, int32_t>;  // group, topic, partition

  const size_t max_offsets_;
  absl::Mutex mu_;
  std::map<Key, int64_t> offsets_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, bool> active_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
  int64_t commits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rtai::engine::io
