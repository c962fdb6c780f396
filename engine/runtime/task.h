#pragma once
// Task: one subtask of an operator chain, run in slices by the shared
// TaskScheduler (task_scheduler.h). Reads its input channel (or polls its
// source), merges watermarks by minimum over the senders that are neither
// idle nor ended, drives the chain, and sends the results, watermarks and
// end-of-stream through its exchanges. When every sender has ended it
// advances the watermark to kMaxWatermark (firing all event-time timers),
// finishes the chain and ends its outputs.
//
// Slices: RunSlice does at most kSliceUnits units of work — one unit is one
// input element, or one source Poll — and before each unit checks that
// every output queue is below capacity (Exchange::HasRoomOrWait). If one is
// full the slice ends "waiting for output" and the consumer's pop wakes the
// task; with no input it ends "waiting for input" (until an upstream Offer,
// a due processing timer, a completed checkpoint or cancellation wakes it;
// a source that read nothing waits NextPollDelayMs). So a unit of work never
// blocks, and each output queue holds at most capacity - 1 + E elements
// from this task, where E is what one unit emits into it: for a source, the
// records of one Poll up to the first full output (sources yield then:
// OperatorContext::yield_requested) — one batch plus a watermark or idle
// marker; for an operator, its output for one input element (a window
// firing can be large; it is bounded by the window state, not by the queue).
// Time waiting for input is idle_ns (head), for output blocked_ns (tail).
//
// Checkpoints (docs/CHECKPOINTS.md): a source task injects barrier n when the
// coordinator triggers n (between two Polls, after snapshotting); any other
// task aligns — each sender that delivered barrier n is blocked in the
// InputGate until every live sender did — then snapshots every operator of
// its chain (SnapshotState) and its keyed state (a RocksDB checkpoint),
// forwards the barrier and acks. A newer barrier abandons an older
// alignment. Completed checkpoints are delivered to the operators
// (NotifyCheckpointComplete) between elements.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/runtime/checkpoint_coordinator.h"
#include "engine/runtime/exchange.h"
#include "engine/runtime/input_gate.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/processing_timers.h"
#include "engine/runtime/task_scheduler.h"

namespace rtai::engine::runtime {

struct TaskSetup {
  std::string name;  // "uid[subtask]" of the head, for errors
  std::vector<std::unique_ptr<Operator>> ops;        // the chain, head first
  std::vector<OperatorContext> contexts;             // one per op
  std::vector<OperatorMetrics*> metrics;             // one per op
  std::unique_ptr<Channel> input;                    // null for sources
  int num_senders = 0;
  // Exchanges of the chain's tail node, by output ("" = main).
  std::vector<std::unique_ptr<Exchange>> exchanges;
  std::unique_ptr<state::KeyedStateBackend> state;   // if the chain keeps state
  // Checkpointing; coordinator null = off.
  CheckpointCoordinator* coordinator = nullptr;      // owned by the runner
  int index = 0;                                     // among the job's tasks
  int subtask = 0;
  std::string head_uid;
  std::string state_uid;                             // first stateful op, "" = none
  std::vector<std::string> op_kinds;                 // per op, e.g. "window_aggregate"
  std::vector<std::string> restore;                  // per op: RestoreState bytes
  std::vector<uint8_t> has_restore;                  // per op
};

class Task : public ScheduledTask {
 public:
  static constexpr int kSliceUnits = 16;
  // Longest wait for input while processing timers are pending (the clock
  // may be a FakeClock that the scheduler's clock does not follow).
  static constexpr int64_t kMaxTimerWaitMs = 100;

  // `on_finished` (copied and called on the worker after the last slice)
  // may free the task.
  Task(TaskSetup setup, const std::atomic<bool>* cancelled, std::function<void()> on_finished);
  ~Task() override;
  Channel* input() { return setup_.input.get(); }
  TaskSetup& setup() { return setup_; }
  const TaskSetup& setup() const { return setup_; }
  // After the task finished: OK, kCancelled if the job was cancelled, or
  // the failure (naming the task).
  const absl::Status& final_status() const { return final_status_; }

  SliceResult RunSlice() override;
  void OnFinished() override;

 private:
  class Link;
  class Tail;
  enum class WaitReason { kNone, kInput, kOutput };
  absl::Status Open();
  // One slice; sets *r (kFinished when the chain ended).
  absl::Status SourceSlice(SliceResult* r);
  absl::Status InputSlice(SliceResult* r);
  absl::Status ProcessElement(Element e, bool* done);
  bool OutputsReadyOrWait();
  bool OutputsHaveRoom() const;
  void AccountWait();
  absl::Status HandleControl(const Element& e, bool* done);
  absl::Status Finish();
  absl::Status HandleBarrier(const Element& e);
  absl::Status MaybeCompleteAlignment();
  absl::Status Snapshot(int64_t id, int64_t alignment_ns);
  absl::Status DeliverNotifications();
  int64_t NowNanos() const;  // the chain's clock; 0 without one
  int64_t NowMillis() const;  // the chain's clock (processing time)
  absl::Status FireProcessingTimers();
  // Until the next processing timer (ns, >= 1 ms, <= kMaxTimerWaitMs);
  // -1 without timers.
  int64_t TimerWaitNs() const;

  TaskSetup setup_;
  const std::atomic<bool>* cancelled_;
  std::function<void()> on_finished_;
  bool opened_ = false;
  absl::Status final_status_;
  WaitReason wait_reason_ = WaitReason::kNone;
  int64_t wait_start_ns_ = 0;
  std::vector<std::unique_ptr<Output>> outputs_;  // outputs_[i] is op i's
  std::vector<int64_t> sender_watermark_;
  std::vector<uint8_t> sender_idle_;
  std::vector<uint8_t> sender_ended_;
  int64_t watermark_ = kMinWatermark;
  bool idle_sent_ = false;
  // Checkpoints.
  int64_t last_barrier_ = 0;  // newest checkpoint id snapshotted (or abandoned)
  int64_t aligning_ = 0;      // id being aligned, 0 = none
  int64_t align_start_ns_ = 0;
  std::vector<uint8_t> barrier_seen_;
  int64_t notified_ = 0;
  ProcessingTimers processing_timers_;
};

}  // namespace rtai::engine::runtime
