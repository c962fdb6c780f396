#pragma once
// TxnExecutor: a fixed pool of threads running queued tasks, for the
// transaction coordinator's blocking calls made on behalf of network
// threads (a call waits for its state-log fsync and markers; several run at
// once so their fsyncs are shared by group commit).
//
// Queue bound: `capacity` tasks wait at most; TrySchedule refuses beyond
// (the caller answers a retriable error). Destruction runs every queued
// task, then joins the threads.
// Thread safety: thread-safe. Tasks must not schedule onto the same
// executor and wait for it.

#include <cstddef>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "base/bounded_queue.h"

namespace rtai::broker::txn {

class TxnExecutor {
 public:
  // `threads` >= 1, `capacity` >= 1 (CHECKed).
  TxnExecutor(int threads, size_t capacity);
  ~TxnExecutor();
  TxnExecutor(const TxnExecutor&) = delete;
  TxnExecutor& operator=(const TxnExecutor&) = delete;

  // Queues `task`; false (task dropped) when `capacity` tasks are waiting.
  bool TrySchedule(absl::AnyInvocable<void()> task);

 private:
  BoundedQueue<absl::AnyInvocable<void()>> queue_;
  std::vector<std::thread> threads_;
};

}  // namespace rtai::broker::txn
