#pragma once
// GroupCommitter: lets many concurrent appenders share one fsync. An
// appender that needs its data durable (acks=all under FlushPolicy::kPerWrite)
// calls RequestSync(log, up_to, done) after its Append; a bounded pool of
// disk threads runs PartitionLog::Sync() and completes, with one fsync, every
// waiter of that log whose `up_to` is then durable. While a log's fsync is in
// flight new waiters gather; they are served together by the next one.
//
// Full-policy: at most max_pending_requests waiters exist at once; beyond
// that RequestSync completes `done` immediately with kResourceExhausted (back
// off and retry), so callers on network threads never block.
// Failures: when Sync() fails every waiter of that round gets its error, and
// since the log is then failed, every later waiter whose data is not already
// durable gets kFailedPrecondition: nothing is acknowledged after a failed
// fsync.
//
// Thread safety: all methods are thread-safe. `done` runs on a disk thread
// (or inline on the caller's thread when the answer is immediate); it must
// not block. Ownership: logs passed in must outlive their pending requests.

#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "base/metrics/registry.h"
#include "broker/log/partition_log.h"

namespace rtai::broker {

struct GroupCommitOptions {
  // Threads running fsyncs (different logs sync in parallel, one log's
  // syncs never overlap). Default: 2.
  int disk_threads = 2;
  // Waiters allowed at once over all logs. Default: 65536.
  int max_pending_requests = 65536;
  // Where fsync durations and waiters per fsync are recorded
  // (rtai_log_fsync_duration_seconds, rtai_log_group_commit_waiters);
  // nullptr: not recorded. Must outlive the committer. Default: nullptr.
  metrics::Registry* metrics = nullptr;
};

class GroupCommitter {
 public:
  explicit GroupCommitter(GroupCommitOptions options = {});
  // Completes every pending request (syncing as needed), then joins.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Calls done(OK) once log->durable_end_offset() >= up_to (pass
  // AppendInfo::last_offset + 1), or done(error) as described above.
  void RequestSync(PartitionLog* log, Offset up_to,
                   absl::AnyInvocable<void(absl::Status)> done);

  // RequestSync and wait. Not for network threads.
  absl::Status SyncBlocking(PartitionLog* log, Offset up_to);

  // PartitionLog::Sync() calls made so far.
  int64_t sync_calls() const;

 private:
  struct Waiter {
    Offset up_to;
    absl::AnyInvocable<void(absl::Status)> done;
  };
  struct LogState {
    std::vector<Waiter> waiters;
    bool queued = false;     // in ready_
    bool in_flight = false;  // a disk thread is syncing it
  };
  void DiskThread();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !ready_.empty() || stopping_;
  }

  const GroupCommitOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<PartitionLog*, LogState> logs_ ABSL_GUARDED_BY(mu_);
  // Logs with waiters and no sync in flight; each at most once, so bounded
  // by max_pending_requests.
  std::deque<PartitionLog*> ready_ ABSL_GUARDED_BY(mu_);
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t sync_calls_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  metrics::Histogram* fsync_duration_ = nullptr;  // nanoseconds; null: off
  metrics::Histogram* round_waiters_ = nullptr;   // null: off
};

}  // namespace rtai::broker
