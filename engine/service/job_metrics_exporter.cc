#include "engine/service/job_metrics_exporter.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace rtai::engine::service {
namespace {

using metrics::MetricType;
using metrics::SampleSink;

// Series per metric at most (jobs x operators or tasks).
constexpr size_t kMaxSeries = 10000;

bool HasWatermark(int64_t wm) {
  return wm != runtime::kMinWatermark && wm != runtime::kMaxWatermark;
}

}  // namespace

const char* RunStateName(runtime::RunState state) {
  switch (state) {
    case runtime::RunState::kRunning: return "running";
    case runtime::RunState::kFinished: return "finished";
    case runtime::RunState::kFailed: return "failed";
    case runtime::RunState::kCanceled: return "canceled";
  }
  return "unknown";
}

void JobMetricsExporter::Add(
    const std::string& name, const std::string& help, MetricType type,
    std::vector<std::string> labels,
    std::function<void(const JobSnapshot&, SampleSink&)> per_job) {
  registry_->AddCollector(
      name, help, type, std::move(labels),
      [m = manager_, per_job = std::move(per_job)](SampleSink& sink) {
        for (const JobSnapshot& job : m->Snapshot()) per_job(job, sink);
      },
      kMaxSeries);
  names_.push_back(name);
}

JobMetricsExporter::JobMetricsExporter(JobManager* manager, metrics::Registry* registry)
    : manager_(manager), registry_(registry) {
  registry_->AddCollector(
      "rtai_engine_jobs", "Jobs known to the JobManager, by state.", MetricType::kGauge,
      {"state"},
      [m = manager_](SampleSink& sink) {
        std::map<std::string, int> counts{
            {"running", 0}, {"finished", 0}, {"failed", 0}, {"canceled", 0}};
        for (const JobSnapshot& job : m->Snapshot()) ++counts[RunStateName(job.state)];
        for (const auto& [state, n] : counts) sink.Add({state}, n);
      });
  names_.push_back("rtai_engine_jobs");
  AddOperatorSeries();
  AddTaskSeries();
}

void JobMetricsExporter::AddOperatorSeries() {
  auto per_op = [this](const std::string& name, const std::string& help, MetricType type,
                       std::function<bool(const runtime::NodeMetrics&, double*)> value) {
    Add(name, help, type, {"job_id", "operator"},
        [value = std::move(value)](const JobSnapshot& job, SampleSink& sink) {
          for (const runtime::NodeMetrics& op : job.operators) {
            double v = 0;
            if (value(op, &v)) sink.Add({job.id, op.uid}, v);
          }
        });
  };
  per_op("rtai_engine_operator_records_in_total", "Records into an operator (all subtasks).",
         MetricType::kCounter, [](const auto& op, double* v) {
           *v = static_cast<double>(op.records_in);
           return true;
         });
  per_op("rtai_engine_operator_records_out_total", "Records out of an operator (main output).",
         MetricType::kCounter, [](const auto& op, double* v) {
           *v = static_cast<double>(op.records_out);
           return true;
         });
  per_op("rtai_engine_operator_records_dropped_total",
         "Records an operator dropped (malformed, dead-lettered, or too late).",
         MetricType::kCounter, [](const auto& op, double* v) {
           *v = static_cast<double>(op.records_dropped);
           return true;
         });
  per_op("rtai_engine_operator_backpressure_ratio",
         "Fraction of time an operator's subtasks were blocked on full output channels.",
         MetricType::kGauge, [](const auto& op, double* v) {
           *v = op.backpressure;
           return true;
         });
  per_op("rtai_engine_operator_watermark_seconds",
         "Event-time watermark of an operator (minimum over subtasks), Unix seconds.",
         MetricType::kGauge, [](const auto& op, double* v) {
           *v = static_cast<double>(op.watermark) / 1000.0;
           return HasWatermark(op.watermark);
         });
  const Clock* clock = manager_->clock();
  per_op("rtai_engine_operator_watermark_lag_seconds",
         "Wall clock minus the operator's watermark.", MetricType::kGauge,
         [clock](const auto& op, double* v) {
           *v = static_cast<double>(clock->NowMillis() - op.watermark) / 1000.0;
           return HasWatermark(op.watermark);
         });
}

void JobMetricsExporter::AddTaskSeries() {
  auto per_task = [this](const std::string& name, const std::string& help,
                         int64_t runtime::TaskTimes::*field) {
    Add(name, help, MetricType::kCounter, {"job_id", "task", "subtask"},
        [field](const JobSnapshot& job, SampleSink& sink) {
          for (const runtime::TaskTimes& t : job.tasks) {
            sink.Add({job.id, t.uid, absl::StrCat(t.subtask)},
                     static_cast<double>(t.*field) / 1e9);
          }
        });
  };
  per_task("rtai_engine_task_busy_seconds_total",
           "Time a task processed records (neither idle nor backpressured).",
           &runtime::TaskTimes::busy_ns);
  per_task("rtai_engine_task_idle_seconds_total", "Time a task waited for input.",
           &runtime::TaskTimes::idle_ns);
  per_task("rtai_engine_task_backpressured_seconds_total",
           "Time a task was blocked on full output channels.",
           &runtime::TaskTimes::backpressured_ns);
}

JobMetricsExporter::~JobMetricsExporter() {
  for (const std::string& name : names_) registry_->RemoveCollector(name);
}

}  // namespace rtai::engine::service
