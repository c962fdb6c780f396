#include "engine/runtime/engine_metrics.h"

#include "base/metrics/histogram.h"

namespace rtai::engine::runtime {

EngineMetrics::EngineMetrics(metrics::Registry* registry)
    : checkpoints_(registry->CounterFamily("rtai_engine_checkpoints_total",
                                           "Checkpoints ended, by outcome (completed, failed).",
                                           {"job_id", "outcome"})),
      duration_(registry->HistogramFamily(
          "rtai_engine_checkpoint_duration_seconds",
          "Checkpoint duration from trigger to completion or failure.", {"job_id"},
          metrics::LatencyBoundsNanos(), 1e-9)),
      alignment_(registry->HistogramFamily(
          "rtai_engine_checkpoint_alignment_seconds",
          "Longest barrier alignment of any task in a checkpoint.", {"job_id"},
          metrics::LatencyBoundsNanos(), 1e-9)),
      size_(registry->HistogramFamily("rtai_engine_checkpoint_size_bytes",
                                      "State bytes written by a completed checkpoint.", {"job_id"},
                                      metrics::ExponentialBounds(1024, 4, 16))),
      last_id_(registry->GaugeFamily("rtai_engine_last_checkpoint_id",
                                     "Id of the job's last completed checkpoint.", {"job_id"})),
      restarts_(registry->CounterFamily("rtai_engine_job_restarts_total",
                                        "Restarts of a job after a failure.", {"job_id"})) {}

EngineMetrics::JobHistory& EngineMetrics::HistoryOf(const std::string& job) {
  auto it = jobs_.find(job);
  if (it != jobs_.end()) return it->second;
  if (jobs_.size() >= kMaxJobs) {
    auto oldest = jobs_.begin();
    for (auto j = jobs_.begin(); j != jobs_.end(); ++j) {
      if (j->second.first_seen < oldest->second.first_seen) oldest = j;
    }
    jobs_.erase(oldest);
  }
  JobHistory& h = jobs_[job];
  h.first_seen = next_seen_++;
  return h;
}

void EngineMetrics::CheckpointEnded(const std::string& job, const CheckpointRecord& record) {
  checkpoints_->WithLabels({job, record.completed ? "completed" : "failed"})->Increment();
  duration_->WithLabels({job})->Observe(record.duration_ns);
  if (record.completed) {
    alignment_->WithLabels({job})->Observe(record.alignment_ns);
    size_->WithLabels({job})->Observe(record.size_bytes);
    last_id_->WithLabels({job})->Set(record.checkpoint_id);
  }
  absl::MutexLock l(&mu_);
  std::deque<CheckpointRecord>& history = HistoryOf(job).checkpoints;
  history.push_back(record);
  while (history.size() > kCheckpointHistory) history.pop_front();
}

void EngineMetrics::JobRestarted(const std::string& job) {
  restarts_->WithLabels({job})->Increment();
  absl::MutexLock l(&mu_);
  ++HistoryOf(job).restarts;
}

std::vector<CheckpointRecord> EngineMetrics::RecentCheckpoints(const std::string& job) const {
  absl::MutexLock l(&mu_);
  auto it = jobs_.find(job);
  if (it == jobs_.end()) return {};
  return {it->second.checkpoints.begin(), it->second.checkpoints.end()};
}

int64_t EngineMetrics::Restarts(const std::string& job) const {
  absl::MutexLock l(&mu_);
  auto it = jobs_.find(job);
  return it == jobs_.end() ? 0 : it->second.restarts;
}

}  // namespace rtai::engine::runtime
