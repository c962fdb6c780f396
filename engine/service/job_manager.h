#pragma once
// JobManager: the jobs of one rtaid. Validates and starts submitted job
// graphs, reports their status and metrics, cancels them, and persists each
// running job's graph under <data_dir>/jobs/<id>.json so Recover() can
// resubmit it after a restart (from scratch: no state is restored before
// checkpoints exist). A bad graph is an error for its submitter only; a
// failing job fails alone — other jobs and the daemon keep running.
// Thread-safe.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "engine/io/partition_client.h"
#include "engine/runtime/job_runner.h"
#include "proto/job_service.pb.h"

namespace rtai::ml {
class ModelResolver;
}  // namespace rtai::ml

namespace rtai::engine::service {

struct JobManagerOptions {
  // Required. Jobs are stored in <data_dir>/jobs.
  std::string data_dir;
  // Required; not owned.
  io::PartitionClient* client = nullptr;
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
};

class JobManager {
 public:
  static absl::StatusOr<std::unique_ptr<JobManager>> Create(JobManagerOptions options);
  ~JobManager();  // cancels every job

  // Resubmits the stored jobs; returns how many were started. A stored job
  // that no longer validates is logged and skipped.
  absl::StatusOr<int> Recover();
  // kInvalidArgument with the validator's message for a bad graph.
  absl::StatusOr<std::string> Submit(const job::JobGraph& graph);
  std::vector<job::JobStatus> List();
  // kNotFound for an unknown id.
  absl::StatusOr<job::GetJobResponse> Get(const std::string& id);
  absl::StatusOr<job::JobStatus> Cancel(const std::string& id);

 private:
  struct Job {
    std::string id;
    std::shared_ptr<const graph::ValidatedGraph> graph;
    std::unique_ptr<runtime::JobRunner> runner;
    int64_t submit_time_ms = 0;
  };
  explicit JobManager(JobManagerOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::string> Start(const job::JobGraph& graph, std::string id, bool persist);
  job::JobStatus StatusOf(const Job& job) const;
  std::string JobsDir() const;

  JobManagerOptions options_;
  absl::Mutex mu_;
  // shared: Cancel keeps its job alive while it waits without the lock.
  std::map<std::string, std::shared_ptr<Job>> jobs_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace rtai::engine::service
