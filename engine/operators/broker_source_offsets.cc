#include "engine/operators/broker_source_offsets.h"

#include <iterator>
#include <utility>

#include "base/logging.h"

namespace rtai::engine::operators {
namespace {

bool SameOffsets(const std::vector<io::PartitionOffset>& a,
                 const std::vector<io::PartitionOffset>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].partition != b[i].partition || a[i].offset != b[i].offset) return false;
  }
  return true;
}

}  // namespace

SourceOffsetCommitter::SourceOffsetCommitter(std::string group, std::string topic,
                                             io::GroupOffsets* groups, bool checkpointing,
                                             int64_t commit_interval_ms, const Clock* clock)
    : group_(std::move(group)),
      topic_(std::move(topic)),
      groups_(groups),
      checkpointing_(checkpointing),
      interval_ms_(commit_interval_ms),
      clock_(clock),
      next_interval_commit_ms_(clock->NowMillis() + commit_interval_ms) {}

absl::StatusOr<std::vector<int64_t>> SourceOffsetCommitter::FetchCommitted(
    const std::vector<int32_t>& partitions) {
  absl::StatusOr<std::vector<int64_t>> got = groups_->Fetch(group_, topic_, partitions);
  if (!got.ok()) return got.status();
  if (got->size() != partitions.size()) {
    return absl::InternalError("committed offsets: answer does not match the partitions asked");
  }
  return got;
}

void SourceOffsetCommitter::OnSnapshot(int64_t checkpoint_id,
                                       std::vector<io::PartitionOffset> offsets) {
  pending_[checkpoint_id] = std::move(offsets);
  while (pending_.size() > kMaxPendingSnapshots) pending_.erase(pending_.begin());
}

void SourceOffsetCommitter::OnCheckpointComplete(int64_t checkpoint_id) {
  auto last = pending_.upper_bound(checkpoint_id);  // first snapshot after it
  if (last == pending_.begin()) return;             // none at or before it
  std::vector<io::PartitionOffset> offsets = std::move(std::prev(last)->second);
  pending_.erase(pending_.begin(), last);
  Commit(std::move(offsets), "checkpoint complete");
}

bool SourceOffsetCommitter::IntervalDue() const {
  return clock_->NowMillis() >= next_interval_commit_ms_;
}

void SourceOffsetCommitter::CommitNow(std::vector<io::PartitionOffset> offsets,
                                      const char* reason) {
  next_interval_commit_ms_ = clock_->NowMillis() + interval_ms_;
  Commit(std::move(offsets), reason);
}

void SourceOffsetCommitter::Commit(std::vector<io::PartitionOffset> offsets, const char* reason) {
  if (offsets.empty()) return;
  if (committed_once_ && SameOffsets(offsets, last_committed_)) return;
  const absl::Status s = groups_->Commit(group_, topic_, offsets);
  if (!s.ok()) {
    ++failures_;
    LogWarning("broker_source: committing consumer-group offsets failed (the job goes on)",
               {{"group", group_}, {"topic", topic_}, {"reason", reason},
                {"failures", failures_}, {"error", s.ToString()}});
    return;
  }
  ++commits_;
  committed_once_ = true;
  last_committed_ = std::move(offsets);
}

}  // namespace rtai::engine::operators
