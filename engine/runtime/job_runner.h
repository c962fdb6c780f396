#pragma once
// JobRunner: runs a validated job graph. Plans chains (plan.h), creates one
// Task per chain subtask with a bounded input channel, wires exchanges, and
// runs every task on its own thread. The first task failure fails the job:
// its status (naming the task) becomes the job's, and the other tasks are
// stopped by closing every channel. No restart (checkpoints come later).
//
// Memory is bounded by channel_capacity batches per task (each batch at most
// source_batch_records rows, or what one operator call emits), so a slow sink
// blocks its producers and, transitively, the sources (backpressure).
// Thread-safe: Cancel, state, status and Metrics may be called from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "engine/graph/validated_graph.h"
#include "engine/io/partition_client.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/task.h"

namespace rtai::engine::runtime {

struct RuntimeOptions {
  // Default: 8 (batches). Capacity of each task's input channel.
  int channel_capacity = 8;
  // Default: 1024 (records). Source batch size; a watermark follows each batch.
  int source_batch_records = 1024;
  // Required if the job has stateful operators: one RocksDB per stateful
  // task under it (wiped at start: without checkpoints nothing is restored).
  std::string state_dir;
  // Default: SystemClock(). Not owned.
  const Clock* clock = nullptr;
  // Required for broker sources and sinks. Not owned; outlives the runner.
  io::PartitionClient* client = nullptr;
  // Optional; passed to operators (OperatorContext::model_resolver). Not owned.
  ml::ModelResolver* model_resolver = nullptr;
  absl::Status Validate() const;
};

// Creates the operator of node `node` (engine/operators/operator_factory.h).
using OperatorFactory = std::function<absl::StatusOr<std::unique_ptr<Operator>>(
    const graph::ValidatedGraph& graph, int node)>;

enum class RunState { kRunning, kFinished, kFailed, kCanceled };

struct NodeMetrics {
  std::string uid;
  std::string op;
  int parallelism = 1;
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t records_dropped = 0;
  int64_t watermark = kMinWatermark;  // minimum over subtasks
  double backpressure = 0;            // blocked time / wall time since start
};

class JobRunner {
 public:
  static absl::StatusOr<std::unique_ptr<JobRunner>> Start(
      std::shared_ptr<const graph::ValidatedGraph> graph, RuntimeOptions options,
      OperatorFactory factory);
  ~JobRunner();  // cancels and joins

  void Cancel();
  // Blocks until every task has stopped.
  RunState Wait();
  RunState state() const;
  absl::Status status() const;  // the failure, if kFailed
  std::vector<NodeMetrics> Metrics() const;

 private:
  JobRunner(std::shared_ptr<const graph::ValidatedGraph> graph, RuntimeOptions options);
  absl::Status Build(const OperatorFactory& factory);
  absl::StatusOr<std::unique_ptr<Task>> CreateTask(const std::vector<int>& nodes, int parallelism,
                                                   int subtask, const OperatorFactory& factory);
  void RunTask(Task* task);
  void CloseChannels();

  std::shared_ptr<const graph::ValidatedGraph> graph_;
  RuntimeOptions options_;
  int64_t start_ns_ = 0;
  std::atomic<bool> cancelled_{false};
  std::vector<std::vector<std::unique_ptr<OperatorMetrics>>> metrics_;  // [node][subtask]
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};

  mutable absl::Mutex mu_;
  RunState state_ ABSL_GUARDED_BY(mu_) = RunState::kRunning;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  bool cancel_requested_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace rtai::engine::runtime
