#pragma once
// Task: one subtask of an operator chain, run by one thread. Reads its input
// channel (or polls its source), merges watermarks by minimum over the
// senders that are neither idle nor ended, drives the chain, and sends the
// results, watermarks and end-of-stream through its exchanges. When every
// sender has ended it advances the watermark to kMaxWatermark (firing all
// event-time timers), finishes the chain and ends its outputs.
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
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/runtime/checkpoint_coordinator.h"
#include "engine/runtime/exchange.h"
#include "engine/runtime/input_gate.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/processing_timers.h"

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

class Task {
 public:
  Task(TaskSetup setup, const std::atomic<bool>* cancelled);
  ~Task();
  Channel* input() { return setup_.input.get(); }
  TaskSetup& setup() { return setup_; }
  const TaskSetup& setup() const { return setup_; }
  // Runs to completion; kCancelled if the job was cancelled.
  absl::Status Run();

 private:
  class Link;
  class Tail;
  absl::Status Open();
  absl::Status RunSource();
  absl::Status RunInput();
  absl::Status HandleControl(const Element& e, bool* done);
  absl::Status Finish();
  absl::Status HandleBarrier(const Element& e);
  absl::Status MaybeCompleteAlignment();
  absl::Status Snapshot(int64_t id, int64_t alignment_ns);
  absl::Status DeliverNotifications();
  int64_t NowNanos() const;  // the chain's clock; 0 without one
  int64_t NowMillis() const;  // the chain's clock (processing time)
  absl::Status FireProcessingTimers();
  absl::Duration InputWait() const;  // until the next processing timer, <= 100 ms

  TaskSetup setup_;
  const std::atomic<bool>* cancelled_;
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
