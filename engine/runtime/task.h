#pragma once
// Task: one subtask of an operator chain, run by one thread. Reads its input
// channel (or polls its source), merges watermarks by minimum over the
// senders that are neither idle nor ended, drives the chain, and sends the
// results, watermarks and end-of-stream through its exchanges. When every
// sender has ended it advances the watermark to kMaxWatermark (firing all
// event-time timers), finishes the chain and ends its outputs.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/runtime/exchange.h"
#include "engine/runtime/operator.h"

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
  int64_t NowNanos() const;  // the chain's clock; 0 without one

  TaskSetup setup_;
  const std::atomic<bool>* cancelled_;
  std::vector<std::unique_ptr<Output>> outputs_;  // outputs_[i] is op i's
  std::vector<int64_t> sender_watermark_;
  std::vector<uint8_t> sender_idle_;
  std::vector<uint8_t> sender_ended_;
  int64_t watermark_ = kMinWatermark;
  bool idle_sent_ = false;
};

}  // namespace rtai::engine::runtime
