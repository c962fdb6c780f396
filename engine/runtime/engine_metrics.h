#pragma once
// EngineMetrics: the engine's job-level events that are not per-record
// counters — checkpoints and restarts — as Prometheus series in a
// metrics::Registry plus a short per-job history for rtaid's dashboard.
// The checkpoint coordinator and the restart logic call it; rtaid owns one
// and reads it (docs/OPERATIONS.md lists the series).
//
//   rtai_engine_checkpoints_total{job_id,outcome}          counter (completed|failed)
//   rtai_engine_checkpoint_duration_seconds{job_id}        histogram (trigger to complete)
//   rtai_engine_checkpoint_alignment_seconds{job_id}       histogram (barrier alignment, max over tasks)
//   rtai_engine_checkpoint_size_bytes{job_id}              histogram (state bytes written)
//   rtai_engine_last_checkpoint_id{job_id}                 gauge
//   rtai_engine_job_restarts_total{job_id}                 counter
//
// History: the last kCheckpointHistory checkpoints (completed or failed) of
// each of at most kMaxJobs jobs; the jobs first seen longest ago are
// forgotten past that (their Prometheus series stay).
// Thread-safe. `registry` must outlive this object.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/metrics/registry.h"

namespace rtai::engine::runtime {

struct CheckpointRecord {
  int64_t checkpoint_id = 0;
  bool completed = false;       // false: failed or aborted
  int64_t trigger_time_ms = 0;  // wall clock, Unix epoch ms
  int64_t duration_ns = 0;      // trigger to completion (or failure)
  int64_t alignment_ns = 0;     // longest barrier alignment of any task
  int64_t size_bytes = 0;       // state written by this checkpoint
  std::string error;            // why it failed, if it did
};

class EngineMetrics {
 public:
  static constexpr size_t kCheckpointHistory = 64;
  static constexpr size_t kMaxJobs = 256;

  explicit EngineMetrics(metrics::Registry* registry);
  EngineMetrics(const EngineMetrics&) = delete;
  EngineMetrics& operator=(const EngineMetrics&) = delete;

  // A checkpoint of `job` ended (record.completed says how).
  void CheckpointEnded(const std::string& job, const CheckpointRecord& record);
  // `job` was restarted after a failure (not counted: the first start).
  void JobRestarted(const std::string& job);

  // Oldest first; empty for an unknown job.
  std::vector<CheckpointRecord> RecentCheckpoints(const std::string& job) const;
  int64_t Restarts(const std::string& job) const;

 private:
  struct JobHistory {
    uint64_t first_seen = 0;
    std::deque<CheckpointRecord> checkpoints;
    int64_t restarts = 0;
  };
  JobHistory& HistoryOf(const std::string& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  metrics::Family<metrics::Counter>* checkpoints_;
  metrics::Family<metrics::Histogram>* duration_;
  metrics::Family<metrics::Histogram>* alignment_;
  metrics::Family<metrics::Histogram>* size_;
  metrics::Family<metrics::Gauge>* last_id_;
  metrics::Family<metrics::Counter>* restarts_;

  mutable absl::Mutex mu_;
  std::map<std::string, JobHistory> jobs_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seen_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rtai::engine::runtime
