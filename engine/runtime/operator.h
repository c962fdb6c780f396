#pragma once
// Operator: the unit of processing inside a task's chain. Called by its
// task only, from one worker at a time ("the task thread" below; slices of
// one task never overlap, task_scheduler.h), so it need not be thread-safe.
// Every method returns a Status; a non-OK status fails the job with that
// message. Methods must not wait for other tasks (workers are shared).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "base/clock.h"
#include "engine/io/partition_client.h"
#include "engine/io/transactional_client.h"
#include "engine/runtime/stream_element.h"
#include "state/keyed_state_backend.h"

namespace rtai::ml {
class ModelResolver;
}  // namespace rtai::ml

namespace rtai::engine::runtime {

class MlMetrics;  // engine/runtime/ml_metrics.h

// Where an operator sends its results.
class Output {
 public:
  virtual ~Output() = default;
  virtual absl::Status Emit(std::unique_ptr<Batch> batch) = 0;
  // Side output `name` (e.g. "late"); dropped if nothing consumes it.
  virtual absl::Status EmitSide(const std::string& name,
                                std::unique_ptr<Batch> batch) = 0;
  virtual absl::Status EmitWatermark(int64_t watermark) = 0;
  // The sender has no data for now; downstream ignores it in watermark merging.
  virtual absl::Status EmitIdle() = 0;
};

// Counters of one operator subtask; read by GetJob while the job runs.
struct OperatorMetrics {
  std::atomic<int64_t> records_in{0};
  std::atomic<int64_t> records_out{0};
  std::atomic<int64_t> records_dropped{0};
  std::atomic<int64_t> watermark{kMinWatermark};
  std::atomic<int64_t> blocked_ns{0};  // time spent waiting on full channels
  // Time the task waited for input (empty input channel, or source polls
  // that read nothing); set on a chain's head operator only.
  std::atomic<int64_t> idle_ns{0};
  // Monotonic time the task of this (head) operator stopped; 0 = running.
  std::atomic<int64_t> stopped_ns{0};
};

struct OperatorContext {
  std::string uid;
  int subtask = 0;
  int parallelism = 1;
  int max_parallelism = 128;
  int64_t max_out_of_orderness_ms = 0;
  int64_t idle_timeout_ms = 0;
  int source_batch_records = 1024;
  state::KeyedStateBackend* state = nullptr;  // owned by the task
  io::PartitionClient* client = nullptr;      // owned by the runner's caller
  io::TransactionalClient* txn_client = nullptr;  // may be null (no 2PC sinks)
  std::string job_id;          // names transactional ids; "job" outside a JobManager
  bool exactly_once = false;   // sinks write transactionally (2PC on checkpoints)
  int64_t transaction_timeout_ms = 600'000;
  const Clock* clock = nullptr;
  OperatorMetrics* metrics = nullptr;
  // Sources: true when the task wants Poll to return soon (a checkpoint
  // barrier is due, or the task's output queues are full). Null = never.
  // Called on the task thread.
  std::function<bool()> yield_requested;
  // Asks for OnProcessingTime(time_ms) once the task's clock reaches
  // time_ms (runtime/processing_timers.h). Set by the task; call only from
  // the operator's own methods (task thread).
  std::function<absl::Status(int64_t)> register_processing_timer;
  MlMetrics* ml_metrics = nullptr;  // scoring/drift hooks; null: not recorded
  // The model registry (ML operators re-resolve a checkpointed model
  // version on restore); may be null. Not owned.
  ml::ModelResolver* model_resolver = nullptr;
};

class Operator {
 public:
  virtual ~Operator() = default;
  virtual absl::Status Open(const OperatorContext& ctx) {
    ctx_ = ctx;
    return absl::OkStatus();
  }
  virtual absl::Status ProcessBatch(int input, std::unique_ptr<Batch> batch,
                                    Output* out) = 0;
  // The merged input watermark advanced; the default forwards it.
  virtual absl::Status ProcessWatermark(int64_t watermark, Output* out) {
    return out->EmitWatermark(watermark);
  }
  // Every input ended (after a final kMaxWatermark).
  virtual absl::Status Finish(Output*) { return absl::OkStatus(); }

  // Checkpointing (docs/CHECKPOINTS.md). Keyed state in ctx.state is
  // snapshotted by the task (RocksDB checkpoint); everything else the
  // operator needs to resume exactly (timers, buffers, learner/detector
  // state, source offsets, pending sink transactions) it returns here as
  // opaque bytes when barrier `checkpoint_id` reaches it, after all
  // records before the barrier were processed. Must be deterministic.
  virtual absl::StatusOr<std::string> SnapshotState(int64_t /*checkpoint_id*/) {
    return std::string();
  }
  // Restores bytes from SnapshotState; called after Open, before any input,
  // only when the job resumes from a checkpoint or savepoint.
  virtual absl::Status RestoreState(std::string_view /*bytes*/) {
    return absl::OkStatus();
  }
  // A processing-time timer this operator registered is due (the clock
  // reached `time_ms`). Called between elements on the task thread.
  virtual absl::Status OnProcessingTime(int64_t /*time_ms*/, Output* /*out*/) {
    return absl::OkStatus();
  }
  // Checkpoint `checkpoint_id` completed on every task (2PC sinks commit
  // here). Called on the task thread, between batches.
  virtual absl::Status NotifyCheckpointComplete(int64_t /*checkpoint_id*/) {
    return absl::OkStatus();
  }

 protected:
  OperatorContext ctx_;
};

// A source drives its task: Poll is called repeatedly until it returns false
// (a bounded source reached its end) or the job is cancelled. Poll runs on a
// shared worker (task_scheduler.h): it must not wait for data to arrive —
// it reads what is there and, if that was nothing, says through
// NextPollDelayMs how long the task may sleep (off the worker) before the
// next Poll.
class SourceOperator : public Operator {
 public:
  absl::Status ProcessBatch(int, std::unique_ptr<Batch>, Output*) override {
    return absl::InternalError("a source has no inputs");
  }
  virtual absl::StatusOr<bool> Poll(Output* out) = 0;
  // After a Poll that returned true: how long (ms) to wait before the next
  // Poll because nothing was there; 0 = poll again at once. The wait ends
  // early for checkpoints, processing timers and cancellation.
  virtual int64_t NextPollDelayMs() const { return 0; }
};

}  // namespace rtai::engine::runtime
