#pragma once
// JobManager: the jobs of one rtaid. Validates and starts submitted job
// graphs, reports their status, metrics and checkpoint history, cancels
// them, takes savepoints, and persists each job's graph under
// <data_dir>/jobs/<id>.json. Checkpointed jobs (docs/CHECKPOINTS.md) keep
// their checkpoints in <data_dir>/jobs/<id>.checkpoints; on a task failure a
// supervisor thread restarts the job from its latest completed checkpoint
// (exponential backoff), and Recover() after an rtaid restart does the same
// for every stored job (falling back to older checkpoints, or to the
// savepoint the job was submitted from). A bad graph is an error for its
// submitter only; a failing job fails alone. Thread-safe.
//
// Savepoints live in <data_dir>/savepoints/<savepoint id>; clients name them
// by id only, never by a path, so rtaid reads and writes only its own dirs.

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "engine/io/partition_client.h"
#include "engine/io/transactional_client.h"
#include "engine/runtime/job_runner.h"
#include "proto/job_service.pb.h"

namespace rtai::ml {
class ModelResolver;
}  // namespace rtai::ml

namespace rtai::engine::service {

struct JobManagerOptions {
  // Required. Jobs are stored in <data_dir>/jobs, savepoints in <data_dir>/savepoints.
  std::string data_dir;
  // Required; not owned.
  io::PartitionClient* client = nullptr;
  // Default: null. Broker transactions for exactly-once sinks; without it a
  // job asking for EXACTLY_ONCE with checkpoints and a broker sink is
  // rejected at submit. Not owned.
  io::TransactionalClient* txn_client = nullptr;
  // Default: SystemClock(). Not owned.
  const Clock* clock = nullptr;
  // Default: 64. Running jobs at most (kResourceExhausted beyond).
  int max_jobs = 64;
  // Default: 256. Jobs kept for List/Get, running or not; past it the oldest
  // stopped (finished, failed, cancelled) job is forgotten.
  int max_retained_jobs = 256;
  // Default: 1024 records per source batch.
  int source_batch_records = 1024;
  // Default: null (jobs naming registry models fail validation). The model
  // registry the ML operators resolve models through. Not owned.
  ml::ModelResolver* model_resolver = nullptr;
  // Restart strategy of checkpointed jobs: exponential backoff from
  // restart_backoff_ms doubling up to restart_backoff_max_ms, reset once a
  // checkpoint completes after the restart; at most max_restarts in a row.
  int64_t restart_backoff_ms = 100;       // Default: 100 (ms)
  int64_t restart_backoff_max_ms = 10'000;  // Default: 10000 (ms)
  int max_restarts = 100;                 // Default: 100
  // Default: 60000 (ms). How long a savepoint may take.
  int64_t savepoint_timeout_ms = 60'000;
  // Passed to every job's operators (RuntimeOptions::ml_metrics). Default:
  // nullptr (not recorded). Not owned.
  runtime::MlMetrics* ml_metrics = nullptr;
  // Passed to every job (RuntimeOptions::engine_metrics) for checkpoint and
  // restart outcomes. Default: nullptr. Not owned.
  runtime::EngineMetrics* engine_metrics = nullptr;
  // The worker pool every job's tasks run on (runtime/task_scheduler.h).
  // Default: nullptr = the manager starts one with engine_threads workers,
  // shared by all its jobs. Not owned.
  runtime::TaskScheduler* scheduler = nullptr;
  // Default: 0 = one per CPU. Workers of the manager's own pool.
  int engine_threads = 0;
};

// One job's live numbers, for metrics export and the dashboard.
struct JobSnapshot {
  std::string id;
  std::string name;
  runtime::RunState state = runtime::RunState::kRunning;
  std::string error;  // kFailed: why
  int64_t submit_time_ms = 0;
  std::vector<runtime::NodeMetrics> operators;  // graph node order
  std::vector<runtime::TaskTimes> tasks;
};

struct SavepointInfo {
  std::string id;  // "sp-<job>-<checkpoint id>"
  int64_t checkpoint_id = 0;
};

class JobManager {
 public:
  static absl::StatusOr<std::unique_ptr<JobManager>> Create(JobManagerOptions options);
  ~JobManager();  // cancels every job (their checkpoints stay)

  // Resubmits the stored jobs, each from its latest checkpoint; returns how
  // many were started. A stored job that no longer validates is logged and
  // skipped.
  absl::StatusOr<int> Recover();
  // kInvalidArgument with the validator's message for a bad graph;
  // from_savepoint (optional) is a savepoint id: kNotFound if unknown,
  // kFailedPrecondition if the graph does not match its state.
  absl::StatusOr<std::string> Submit(const job::JobGraph& graph,
                                     const std::string& from_savepoint = "");
  std::vector<job::JobStatus> List();
  // kNotFound for an unknown id.
  absl::StatusOr<job::GetJobResponse> Get(const std::string& id);
  // With `savepoint_id` non-null, takes a savepoint first (the job is not
  // cancelled if that fails) and returns its id there.
  absl::StatusOr<job::JobStatus> Cancel(const std::string& id,
                                        std::string* savepoint_id = nullptr);
  // Takes a savepoint of a running job; the job goes on.
  absl::StatusOr<SavepointInfo> Savepoint(const std::string& id);
  // Every retained job, by id.
  std::vector<JobSnapshot> Snapshot();
  const Clock* clock() const { return options_.clock; }

 private:
  struct Job {
    std::string id;
    std::shared_ptr<const graph::ValidatedGraph> graph;
    // shared: Savepoint and Cancel use it without the lock while the
    // supervisor may replace it.
    std::shared_ptr<runtime::JobRunner> runner;
    int64_t submit_time_ms = 0;
    bool cancelling = false;
    bool finished_marked = false;  // <id>.finished written: not resubmitted on restart
    std::string origin;  // savepoint id the job was submitted from, "" = none
    bool checkpointed = false;
    bool exactly_once = false;
    int64_t transaction_timeout_ms = 0;
    // Restarts.
    int restarts = 0;
    int restarts_in_row = 0;
    int64_t backoff_ms = 0;
    int64_t restart_at_ns = 0;  // 0 = none scheduled
    int64_t restored_id = 0;
    std::string last_failure;
    std::vector<runtime::CheckpointStats> past_checkpoints;  // earlier runs
  };
  explicit JobManager(JobManagerOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::string> Start(const job::JobGraph& graph, std::string id, bool persist,
                                    const std::string& origin);
  // Starts the job's runner, restoring its latest checkpoint (or origin
  // savepoint) when `restore`. Sets job->restored_id.
  absl::StatusOr<std::unique_ptr<runtime::JobRunner>> StartRunner(Job* job, bool restore);
  void Supervise();
  void MaybeRestart(const std::shared_ptr<Job>& job);
  job::JobStatus StatusOf(const Job& job) const;
  std::string JobsDir() const;
  std::string CheckpointDir(const std::string& id) const;
  std::string SavepointDir(const std::string& sp) const;

  JobManagerOptions options_;
  std::unique_ptr<runtime::TaskScheduler> own_scheduler_;  // if options_.scheduler was null
  absl::Mutex mu_;
  // shared: Cancel keeps its job alive while it waits without the lock.
  std::map<std::string, std::shared_ptr<Job>> jobs_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::Notification stop_;
  std::thread supervisor_;
};

}  // namespace rtai::engine::service
