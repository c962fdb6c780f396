#pragma once
// JobRunner: runs a validated job graph. Plans chains (plan.h), creates one
// Task per chain subtask with a bounded input channel, wires exchanges, and
// submits every task to a TaskScheduler (task_scheduler.h): a fixed pool of
// workers shared by all jobs of the process, which runs tasks in bounded
// slices. The first task failure fails the job:
// its status (naming the task) becomes the job's, and the other tasks are
// stopped by closing every channel. Restarting is the caller's business
// (engine/service/job_supervisor.h): a new runner restores the latest
// checkpoint. With checkpoint.dir set, a CheckpointCoordinator (driven by a
// timer thread) takes aligned-barrier checkpoints (docs/CHECKPOINTS.md).
//
// Memory is bounded by channel_capacity batches per sender of each task,
// plus what one unit of work of the sender emits past it (task.h; each
// batch at most source_batch_records rows, or what one operator call
// emits): a task only runs while its output queues have room, so a slow
// sink stops its producers and, transitively, the sources (backpressure) —
// without holding a worker.
// Thread-safe: Cancel, state, status and Metrics may be called from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "engine/graph/validated_graph.h"
#include "engine/runtime/checkpoint_coordinator.h"
#include "engine/runtime/checkpoint_storage.h"
#include "engine/io/partition_client.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/ml_metrics.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/task.h"
#include "engine/runtime/task_scheduler.h"

namespace rtai::engine::runtime {

struct RuntimeOptions {
  // Default: 8 (batches). Capacity of each task's input queue per upstream
  // sender (input_gate.h).
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
  // Checkpointing: off when checkpoint.dir is empty; with interval_ms 0 only
  // TriggerCheckpoint (savepoints) takes them. job_id, clock, num_tasks,
  // max_parallelism and first_id are filled in by the runner.
  CheckpointOptions checkpoint;
  // Start from this checkpoint or savepoint (its operator states and keyed
  // state; checked against the graph: CheckRestoreCompatible).
  std::optional<LoadedCheckpoint> restore;
  // Exactly-once sinks: broker sinks write in transactions committed when a
  // checkpoint completes (needs txn_client and checkpointing).
  bool exactly_once = false;
  // Not owned; outlives the runner. Null: no transactional sinks.
  io::TransactionalClient* txn_client = nullptr;
  // Default: 600000 (10 min). Transaction timeout of exactly-once sinks.
  int64_t transaction_timeout_ms = 600'000;
  std::string job_id = "job";
  // Passed to every operator (OperatorContext). Default: nullptr.
  MlMetrics* ml_metrics = nullptr;  // not owned
  // Where checkpoint and restart outcomes of this job go (engine_metrics.h).
  // Default: nullptr (not recorded). Not owned.
  EngineMetrics* engine_metrics = nullptr;
  // The worker pool the tasks run on (rtaid's, shared by all jobs). Default:
  // nullptr = the runner starts its own with one worker per CPU. Not owned;
  // outlives the runner.
  TaskScheduler* scheduler = nullptr;
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

// Where one task (chain subtask) spent its time since the job started:
// idle = waiting for input, backpressured = blocked on full output
// channels, busy = the rest (processing). Ends when the task stops.
struct TaskTimes {
  std::string uid;  // the chain's head operator
  int subtask = 0;
  bool running = true;
  int64_t elapsed_ns = 0;
  int64_t idle_ns = 0;
  int64_t backpressured_ns = 0;
  int64_t busy_ns = 0;  // elapsed - idle - backpressured, at least 0
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
  // After the job stopped (not kRunning): destroys the tasks, closing their
  // RocksDB instances, so a new runner can open the same state dirs.
  // Metrics, status and checkpoint history stay readable.
  void Release();
  // Null when checkpointing is off.
  CheckpointCoordinator* coordinator() { return coordinator_.get(); }
  // Triggers a checkpoint now and waits for it (savepoints): its stats, or
  // kUnavailable/kAborted/kDeadlineExceeded.
  absl::StatusOr<CheckpointStats> TriggerCheckpoint(bool savepoint, absl::Duration timeout);
  // One entry per task, in plan order.
  std::vector<TaskTimes> Tasks() const;
  // Per task in plan order: the most elements one sender's queue of its
  // input held (InputGate::high_water); 0 for sources.
  std::vector<size_t> InputHighWater() const;

 private:
  JobRunner(std::shared_ptr<const graph::ValidatedGraph> graph, RuntimeOptions options);
  absl::Status Build(const OperatorFactory& factory);
  absl::StatusOr<std::unique_ptr<Task>> CreateTask(const std::vector<int>& nodes, int parallelism,
                                                   int subtask, const OperatorFactory& factory);
  // After `task`'s last slice (on a worker); true for the job's last task.
  bool TaskStopped(Task* task);
  // Closes every channel and wakes every task (cancel, failure).
  void StopTasks();
  void RunTicker();

  std::shared_ptr<const graph::ValidatedGraph> graph_;
  RuntimeOptions options_;
  int64_t start_ns_ = 0;
  std::atomic<bool> cancelled_{false};
  std::vector<std::vector<std::unique_ptr<OperatorMetrics>>> metrics_;  // [node][subtask]
  // Set once every task stopped. Shared with the tasks' completion
  // callbacks, which may still be returning when the runner is destroyed.
  struct Completion {
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
  };
  std::unique_ptr<TaskScheduler> own_scheduler_;  // when options.scheduler is null
  TaskScheduler* scheduler_ = nullptr;
  std::shared_ptr<Completion> completion_ = std::make_shared<Completion>();
  bool started_ = false;  // tasks submitted
  std::vector<std::unique_ptr<Task>> tasks_;
  std::atomic<int> running_{0};
  std::unique_ptr<CheckpointCoordinator> coordinator_;
  std::thread ticker_;
  absl::Notification stop_ticker_;

  // Held by StopTasks (a late Cancel) and by Release while it frees tasks_.
  absl::Mutex release_mu_;
  mutable absl::Mutex mu_;
  RunState state_ ABSL_GUARDED_BY(mu_) = RunState::kRunning;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  bool cancel_requested_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace rtai::engine::runtime
