#pragma once
// DiskWorker: one disk thread and its task queue. Every partition belongs to
// exactly one worker (PartitionState::shard), so appends to a partition keep
// the order in which Produce admitted them.
//
// Durability (kPerWrite): after appending, the worker hands the partition
// to the GroupCommitter (broker/log/group_commit.h), whose threads fsync
// while this thread goes on appending; one fsync covers every append that
// queued up meanwhile. acks=all appends are acknowledged (and their
// admission released) only when the committer reports them durable; the
// high watermark moves with each completed fsync. The hand-off is
// RequestDurable(), the one place that knows about the committer.
//
// Queue bound: the Broker admits appends against disk_queue_capacity and
// disk_queue_bytes_max before Push (full => kResourceExhausted); sync and
// retention tasks are at most one per partition (PartitionState flags).
// Thread-safe.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "broker/core/partition_state.h"
#include "broker/log/group_commit.h"

namespace rtai::broker {

struct DiskTask {
  enum class Kind { kAppend, kSync, kRetention };
  Kind kind = Kind::kAppend;
  std::shared_ptr<PartitionState> partition;
  // kAppend only.
  std::string batch;
  Acks acks = Acks::kAll;
  ProduceCallback done;  // null for acks=none
  // Set when Produce charged this task against the disk-queue bounds.
  bool admitted = false;
  int64_t admitted_bytes = 0;
};

class DiskWorker {
 public:
  struct Hooks {
    // The partition's high watermark may have moved (wake parked fetches).
    absl::AnyInvocable<void(const std::shared_ptr<PartitionState>&)> hw_moved;
    // An admitted append finished; release its admission charge.
    absl::AnyInvocable<void(int64_t bytes)> released;
  };
  static constexpr size_t kMaxGroup = 1024;

  // `committer` must outlive the worker's pending requests.
  DiskWorker(int index, GroupCommitter* committer, Hooks hooks);
  ~DiskWorker();

  // Queues a task. After Stop(), appends fail with kUnavailable and other
  // tasks are dropped.
  void Push(DiskTask task);
  // Processes everything queued, then joins the thread. Idempotent.
  void Stop();

 private:
  void Run();
  void ProcessGroup(std::vector<DiskTask>& group);
  void Finish(DiskTask& task, absl::StatusOr<AppendInfo> result);
  // Completes `task` (if given) and wakes fetches once `info` is durable.
  void RequestDurable(DiskTask* task, const AppendInfo& info);

  const int index_;
  GroupCommitter* const committer_;
  Hooks hooks_;
  absl::Mutex mu_;
  std::deque<DiskTask> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// Syncs a partition (interval flushes); any failure becomes
// kFailedPrecondition (the log is failed, nothing more is acknowledged).
absl::Status SyncForAcks(PartitionState& p);
// The error acks get after a failed fsync of `p`.
absl::Status FsyncFailedError(const PartitionState& p,
                              const absl::Status& cause);

}  // namespace rtai::broker
