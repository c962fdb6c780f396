#pragma once
// JobMetricsExporter: a JobManager's live job numbers as scrape-time
// Prometheus series (docs/OPERATIONS.md, "Engine"):
//
//   rtai_engine_jobs{state}                                      gauge
//   rtai_engine_operator_records_in_total{job_id,operator}          counter
//   rtai_engine_operator_records_out_total{job_id,operator}         counter
//   rtai_engine_operator_records_dropped_total{job_id,operator}     counter
//   rtai_engine_operator_backpressure_ratio{job_id,operator}        gauge (0..1)
//   rtai_engine_operator_watermark_seconds{job_id,operator}         gauge (event time)
//   rtai_engine_operator_watermark_lag_seconds{job_id,operator}     gauge (wall clock - watermark)
//   rtai_engine_task_busy_seconds_total{job_id,task,subtask}        counter
//   rtai_engine_task_idle_seconds_total{job_id,task,subtask}        counter
//   rtai_engine_task_backpressured_seconds_total{job_id,task,subtask} counter
//
// `operator` is the node uid, `task` the uid of a chain's head. Watermark
// series exist only once an operator has a watermark (and not after its
// input ended). Values are summed over subtasks except the task series.
// Series of forgotten jobs (JobManagerOptions::max_retained_jobs) vanish.
// Thread-safe; `manager` and `registry` must outlive the exporter, which
// removes its collectors when destroyed.

#include <string>
#include <vector>

#include "base/metrics/registry.h"
#include "engine/service/job_manager.h"

namespace rtai::engine::service {

class JobMetricsExporter {
 public:
  JobMetricsExporter(JobManager* manager, metrics::Registry* registry);
  ~JobMetricsExporter();
  JobMetricsExporter(const JobMetricsExporter&) = delete;
  JobMetricsExporter& operator=(const JobMetricsExporter&) = delete;

 private:
  void Add(const std::string& name, const std::string& help, metrics::MetricType type,
           std::vector<std::string> labels,
           std::function<void(const JobSnapshot&, metrics::SampleSink&)> per_job);
  void AddOperatorSeries();  // rtai_engine_operator_*
  void AddTaskSeries();      // rtai_engine_task_*

  JobManager* const manager_;
  metrics::Registry* const registry_;
  std::vector<std::string> names_;
};

// "running", "finished", "failed", "canceled".
const char* RunStateName(runtime::RunState state);

}  // namespace rtai::engine::service
