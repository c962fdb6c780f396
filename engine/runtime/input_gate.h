#pragma once
// InputGate: a task's input — one bounded FIFO per upstream sender (Flink's
// input channels). Senders push into their own queue and block while it is
// full (backpressure). The task pops the oldest element over all senders
// that are not *blocked*; blocking is how checkpoint barriers are aligned
// (docs/CHECKPOINTS.md): a sender that delivered barrier n is blocked until
// every sender did, while the others keep flowing. Because each sender has
// its own queue, a blocked sender can only stall itself, never a sender the
// alignment is still waiting for — so alignment cannot deadlock under
// backpressure (tested: InputGateTest, CheckpointJobTest).
//
// Memory: at most capacity_per_sender elements per sender. Close() wakes
// everyone: pushes fail, Pop returns what is left, then nullopt.
// Thread-safe: many pushing threads, one popping thread.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/runtime/stream_element.h"

namespace rtai::engine::runtime {

class InputGate {
 public:
  // num_senders >= 1, capacity_per_sender >= 1.
  InputGate(int num_senders, size_t capacity_per_sender);

  // Blocks while the sender's queue (e.sender) is full. False once closed.
  bool Push(Element e);
  // False when full or closed; `e` is untouched then.
  bool TryPush(Element& e);
  // The oldest element of any unblocked sender. Waits at most `timeout`;
  // nullopt on timeout, after Wake(), or when closed and drained.
  std::optional<Element> Pop(absl::Duration timeout);

  void Block(int sender);
  void UnblockAll();
  bool blocked(int sender) const;
  // Makes one waiting (or the next) Pop return nullopt, so the task can do
  // other work (e.g. deliver a checkpoint-complete notification).
  void Wake();
  void Close();
  bool closed() const;
  // Elements queued over all senders (tests, metrics).
  size_t size() const;
  int num_senders() const { return static_cast<int>(queues_.size()); }

 private:
  struct Queued {
    uint64_t seq;
    Element e;
  };
  bool Poppable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int OldestUnblocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::vector<std::deque<Queued>> queues_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> blocked_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
};

// One per task: all upstream subtasks push into it.
using Channel = InputGate;

}  // namespace rtai::engine::runtime
