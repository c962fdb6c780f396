#pragma once
// SourceOffsetCommitter: the consumer-group side of one BrokerSource subtask
// (broker_source "group", docs/JOBS.md "Consumer groups"), Flink's
// KafkaSource semantics:
// - with checkpointing on, the offsets a checkpoint's snapshot recorded are
//   committed when that checkpoint completes (committed offsets trail the
//   checkpoint; they are for monitoring and start-up, the checkpoint is the
//   truth on restore);
// - with checkpointing off, the current offsets are committed every
//   `commit_interval_ms` (by the injected Clock) and when the source ends.
// A commit whose offsets equal the last successful one is skipped (an idle
// job does not grow __consumer_offsets). Failures are logged and counted,
// never returned: they must not fail the job.
//
// Not thread-safe: used by its source's task thread only. `groups` and
// `clock` must outlive it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "engine/io/group_offsets.h"

namespace rtai::engine::operators {

class SourceOffsetCommitter {
 public:
  // Snapshots kept while their checkpoint is pending; beyond it the oldest
  // is dropped (a later completion commits newer offsets anyway).
  static constexpr size_t kMaxPendingSnapshots = 16;

  SourceOffsetCommitter(std::string group, std::string topic, io::GroupOffsets* groups,
                        bool checkpointing, int64_t commit_interval_ms, const Clock* clock);

  // The group's committed offsets of `partitions` (kNoCommittedOffset where
  // none); errors are the GroupOffsets' (the source cannot start without).
  absl::StatusOr<std::vector<int64_t>> FetchCommitted(const std::vector<int32_t>& partitions);

  // Checkpointing on: `offsets` are checkpoint `checkpoint_id`'s.
  void OnSnapshot(int64_t checkpoint_id, std::vector<io::PartitionOffset> offsets);
  // Checkpointing on: commits the newest snapshot at or before
  // `checkpoint_id` and forgets every snapshot up to it.
  void OnCheckpointComplete(int64_t checkpoint_id);
  // Checkpointing off: true when `commit_interval_ms` passed since the last
  // interval commit (or since construction).
  bool IntervalDue() const;
  // Commits `offsets` now (interval commits and the source's end) and
  // restarts the interval.
  void CommitNow(std::vector<io::PartitionOffset> offsets, const char* reason);

  bool checkpointing() const { return checkpointing_; }
  int64_t commits() const { return commits_; }          // successful, not skipped
  int64_t commit_failures() const { return failures_; }
  size_t pending_snapshots() const { return pending_.size(); }

 private:
  void Commit(std::vector<io::PartitionOffset> offsets, const char* reason);

  const std::string group_;
  const std::string topic_;
  io::GroupOffsets* const groups_;
  const bool checkpointing_;
  const int64_t interval_ms_;
  const Clock* const clock_;
  int64_t next_interval_commit_ms_;
  std::map<int64_t, std::vector<io::PartitionOffset>> pending_;  // by checkpoint id
  std::vector<io::PartitionOffset> last_committed_;
  bool committed_once_ = false;
  int64_t commits_ = 0;
  int64_t failures_ = 0;
};

}  // namespace rtai::engine::operators
