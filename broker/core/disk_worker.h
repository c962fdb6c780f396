#pragma once
// DiskWorker: one disk thread and its task queue. Every partition belongs to
// exactly one worker (PartitionState::shard), so appends to a partition keep
// the order in which Produce admitted them.
//
// Group commit: the thread takes every queued task at once (up to
// kMaxGroup), appends them all, then syncs each kPerWrite partition it
// touched once, and only then acknowledges the acks=all appends of that
// group. One fsync thus covers all appends that queued up while the previous
// one ran. All syncing goes through SyncForAcks() so a dedicated group
// committer can replace it in one place.
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

  DiskWorker(int index, Hooks hooks);
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

  const int index_;
  Hooks hooks_;
  absl::Mutex mu_;
  std::deque<DiskTask> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// Syncs a partition for acknowledgement; any failure becomes
// kFailedPrecondition (the log is failed, nothing more is acknowledged).
absl::Status SyncForAcks(PartitionState& p);

}  // namespace rtai::broker
