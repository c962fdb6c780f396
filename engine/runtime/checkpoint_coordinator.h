#pragma once
// CheckpointCoordinator: one per running job (docs/CHECKPOINTS.md). Triggers
// aligned-barrier checkpoints at the job's interval (by the injected Clock),
// collects every task's acknowledgement, persists the operators' snapshot
// bytes off the task threads, writes the manifest atomically when every task
// acked (the checkpoint is then complete), applies retention, and publishes
// the completed id so tasks call NotifyCheckpointComplete. A checkpoint not
// complete within timeout_ms — or declined by a task — is aborted: its
// directory is deleted and the job goes on. At most one checkpoint is in
// flight. Triggering stops once a task has finished (bounded inputs).
//
// Driving: Tick() does all the work (trigger, persist, complete, time out);
// JobRunner calls it from a timer thread, tests call it directly with a
// FakeClock. Thread-safe: Ack/Decline from task threads, Tick from one
// thread, the rest from anywhere.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "engine/runtime/checkpoint_manifest.h"
#include "engine/runtime/engine_metrics.h"

namespace rtai::engine::runtime {

struct CheckpointOptions {
  std::string dir;            // root of the job's chk-<id> dirs. Required.
  std::string job_id;
  int64_t interval_ms = 0;    // Default: 0 = only on request (savepoints).
  int64_t timeout_ms = 0;     // Default: 0 = 10 * interval (60 s without interval).
  int64_t min_pause_ms = 0;   // Default: 0. Between one's end and the next trigger.
  int retain = 3;             // Default: 3 completed checkpoints kept.
  int max_parallelism = 128;
  int num_tasks = 0;          // tasks that must ack
  int64_t first_id = 1;       // ids continue after a restored checkpoint
  size_t history = 32;        // Default: 32 entries kept for GetJob.
  const Clock* clock = nullptr;
  FileSystem* fs = nullptr;   // Default: DefaultFileSystem().
  // Where every ended checkpoint is reported (Prometheus series, dashboard
  // history). Default: nullptr = not reported. Not owned.
  EngineMetrics* metrics = nullptr;
};

enum class CheckpointState { kInProgress, kCompleted, kAborted };

struct CheckpointStats {
  int64_t id = 0;
  CheckpointState state = CheckpointState::kInProgress;
  bool savepoint = false;
  int64_t trigger_time_ms = 0;
  int64_t duration_ms = 0;
  uint64_t size_bytes = 0;
  int64_t alignment_ms = 0;  // longest alignment over tasks
  int acked = 0;
  std::string failure;       // why it was aborted
  std::string dir;           // completed: where it is
};

// One task's part of a checkpoint.
struct TaskAck {
  int task = 0;
  int64_t checkpoint_id = 0;
  TaskStateEntry state;  // db_dir/db_files filled if the task has keyed state
  // Operator entries (uid, op, subtask, parallelism) with their bytes; the
  // coordinator writes the files and fills file/size/crc32c.
  std::vector<std::pair<OperatorStateEntry, std::string>> ops;
};

class CheckpointCoordinator {
 public:
  explicit CheckpointCoordinator(CheckpointOptions options);

  void Tick();
  // Triggers one now (a savepoint, or a manual checkpoint). kUnavailable if
  // one is in flight or a task finished.
  absl::StatusOr<int64_t> TriggerNow(bool savepoint);
  // Blocks until checkpoint `id` completed (its stats) or was aborted
  // (kAborted with the reason); kDeadlineExceeded after `timeout`.
  absl::StatusOr<CheckpointStats> Await(int64_t id, absl::Duration timeout);

  void Ack(TaskAck ack);
  void Decline(int64_t id, const absl::Status& why);
  void TaskFinished();

  // The newest triggered id (sources inject a barrier when it grows).
  int64_t trigger_id() const { return trigger_id_.load(std::memory_order_acquire); }
  int64_t last_completed() const { return completed_id_.load(std::memory_order_acquire); }
  // The directory tasks write checkpoint `id`'s files into.
  std::string DirOf(int64_t id) const;
  std::vector<CheckpointStats> History() const;
  // Called (from Tick's thread) after a checkpoint completes, e.g. to wake
  // tasks waiting for input so they deliver NotifyCheckpointComplete.
  void SetOnComplete(std::function<void()> f) { on_complete_ = std::move(f); }

 private:
  struct Pending {
    CheckpointStats stats;
    int64_t trigger_ns = 0;
    std::vector<uint8_t> acked;
    CheckpointManifest manifest;
  };
  absl::Status Persist(TaskAck& ack);
  void StartLocked(bool savepoint) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AbortLocked(const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(CheckpointStats stats) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Complete();

  CheckpointOptions o_;
  std::function<void()> on_complete_;
  std::atomic<int64_t> trigger_id_{0};
  std::atomic<int64_t> completed_id_{0};
  absl::Mutex tick_mu_;  // serializes Tick and TriggerNow (the only writers of pending_)
  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_);
  int64_t last_trigger_ns_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int64_t, std::string>> declines_ ABSL_GUARDED_BY(mu_);
  bool has_pending_ ABSL_GUARDED_BY(mu_) = false;
  Pending pending_ ABSL_GUARDED_BY(mu_);
  std::vector<TaskAck> inbox_ ABSL_GUARDED_BY(mu_);
  int64_t last_end_ns_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<CheckpointStats> history_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::engine::runtime
