#pragma once
// InputGate: a task's input — one FIFO per upstream sender (Flink's input
// channels). The task pops the oldest element over all senders that are not
// *blocked*; blocking is how checkpoint barriers are aligned
// (docs/CHECKPOINTS.md): a sender that delivered barrier n is blocked until
// every sender did, while the others keep flowing. Because each sender has
// its own queue, a blocked sender can only stall itself, never a sender the
// alignment is still waiting for — so alignment cannot deadlock under
// backpressure (tested: InputGateTest, CheckpointJobTest).
//
// Scheduled tasks (task_scheduler.h) never block here:
//  - a producer asks HasRoomOrWait(sender, producer) before each unit of
//    work; when its queue holds capacity_per_sender elements or more, the
//    producer is remembered and woken once a pop brings the queue below
//    capacity (or the gate closes);
//  - Offer() always appends (over capacity too), so a unit of work already
//    started can emit all its output; each queue is therefore bounded by
//    capacity - 1 + what one unit of work of its producer emits (task.h);
//  - an Offer into an empty, unblocked queue wakes the consumer task.
// The blocking Push/Pop(timeout)/Wake are for threads outside the
// scheduler (tests); they respect the capacity strictly.
//
// Close() wakes everyone: pushes fail, Pop returns what is left, then nullopt.
// Thread-safe: one producer per sender queue, one consumer.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/runtime/stream_element.h"
#include "engine/runtime/task_scheduler.h"

namespace rtai::engine::runtime {

class InputGate {
 public:
  // num_senders >= 1, capacity_per_sender >= 1.
  InputGate(int num_senders, size_t capacity_per_sender);

  // The task that pops (woken by Offer into an empty queue, and by Close).
  // Not owned; set before any Offer.
  void SetConsumer(ScheduledTask* consumer);
  // Appends regardless of capacity. False once closed.
  bool Offer(Element e);
  // True if the sender's queue is below capacity. Lock-free.
  bool HasRoom(int sender) const;
  // HasRoom, or else remembers `producer` (not owned) to be woken when
  // the queue gets room or the gate closes, and returns false.
  bool HasRoomOrWait(int sender, ScheduledTask* producer);
  // The oldest element of any unblocked sender, or nullopt. Never waits.
  std::optional<Element> TryPop();

  // Blocks while the sender's queue (e.sender) is full. False once closed.
  bool Push(Element e);
  // False when full or closed; `e` is untouched then.
  bool TryPush(Element& e);
  // As TryPop, but waits at most `timeout`; nullopt on timeout, after
  // Wake(), or when closed and drained.
  std::optional<Element> Pop(absl::Duration timeout);

  void Block(int sender);
  void UnblockAll();
  bool blocked(int sender) const;
  // Makes one waiting (or the next) Pop return nullopt.
  void Wake();
  void Close();
  bool closed() const;
  // Elements queued over all senders (tests, metrics).
  size_t size() const;
  // Elements queued from one sender.
  size_t size(int sender) const;
  size_t capacity() const { return capacity_; }
  // The most elements one sender's queue has held (tests check the bound).
  size_t high_water() const;
  int num_senders() const { return static_cast<int>(queues_.size()); }

 private:
  struct Queued {
    uint64_t seq;
    Element e;
  };
  bool Poppable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int OldestUnblocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AppendLocked(Element e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Pops from sender s; returns the producer to wake, if any.
  ScheduledTask* PopLocked(int s, Element* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::vector<std::deque<Queued>> queues_ ABSL_GUARDED_BY(mu_);
  // sizes_[s] == queues_[s].size(), readable without the lock.
  std::unique_ptr<std::atomic<size_t>[]> sizes_;
  std::vector<ScheduledTask*> waiting_producer_ ABSL_GUARDED_BY(mu_);
  ScheduledTask* consumer_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<uint8_t> blocked_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  size_t high_water_ ABSL_GUARDED_BY(mu_) = 0;
};

// One per task: all upstream subtasks push into it.
using Channel = InputGate;

}  // namespace rtai::engine::runtime
