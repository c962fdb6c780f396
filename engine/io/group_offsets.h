#pragma once
// GroupOffsets: the engine's view of Kafka consumer-group committed offsets
// — the same storage Kafka's OffsetCommit / OffsetFetch use, so a Kafka
// client's `committed()` sees what a job commits, and a job can start where
// a Kafka consumer group stopped (broker_source "start": "committed").
//
// The engine commits as a standalone ("simple") committer, as Flink's Kafka
// source does: it never joins the group; commits carry generation -1 and an
// empty member id. Kafka accepts those only while the group has no active
// members; otherwise Commit is kFailedPrecondition (Kafka's
// UNKNOWN_MEMBER_ID) and nothing is written.
//
// The in-process implementation over the broker's group coordinator lives in
// cli/ (BrokerGroupOffsets); MemoryGroupOffsets is the in-memory one for
// tests. Implementations are thread-safe. Commit may block on disk: never
// call it on a network thread.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rtai::engine::io {

// Kafka's convention: `offset` is the next record to read (last read + 1).
struct PartitionOffset {
  int32_t partition = 0;
  int64_t offset = 0;
};

// Offset Fetch reports for a partition without a commit.
inline constexpr int64_t kNoCommittedOffset = -1;

class GroupOffsets {
 public:
  virtual ~GroupOffsets() = default;

  // Committed offsets of `partitions` of `topic` in `group`, in the order
  // asked; kNoCommittedOffset where there is none. kInvalidArgument for an
  // empty group id.
  virtual absl::StatusOr<std::vector<int64_t>> Fetch(const std::string& group,
                                                     const std::string& topic,
                                                     const std::vector<int32_t>& partitions) = 0;

  // Commits `offsets` of `topic` for `group` and returns once they are as
  // durable as a Kafka client's OffsetCommit (written to __consumer_offsets
  // with acks=all when the broker persists offsets). kFailedPrecondition if
  // the group has active members (standalone commits are refused then),
  // kInvalidArgument for an empty group id or a negative offset,
  // kUnavailable if the store failed (retry at the next commit).
  virtual absl::Status Commit(const std::string& group, const std::string& topic,
                              const std::vector<PartitionOffset>& offsets) = 0;
};

}  // namespace rtai::engine::io
