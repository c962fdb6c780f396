#include "engine/runtime/ml_metrics.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/metrics/histogram.h"

namespace rtai::engine::runtime {

namespace {
constexpr char kPrequentialName[] = "rtai_ml_prequential_metric";
}  // namespace

MlMetrics::MlMetrics(metrics::Registry* registry, const Clock* clock)
    : registry_(registry),
      clock_(clock),
      scores_(registry->CounterFamily("rtai_ml_scores_total", "Records scored by a model.",
                                      {"job_id", "model", "version"})),
      latency_(registry->HistogramFamily("rtai_ml_scoring_duration_seconds",
                                         "Duration of one scoring call (a batch of records).",
                                         {"model"}, metrics::LatencyBoundsNanos(), 1e-9)),
      version_(registry->GaugeFamily("rtai_ml_model_version",
                                     "Model version serving in a role (champion, challenger).",
                                     {"model", "role"})),
      drift_(registry->CounterFamily("rtai_ml_drift_detections_total",
                                     "Drift detections by model and detector.",
                                     {"model", "detector"})),
      promotions_(registry->CounterFamily("rtai_ml_promotions_total",
                                          "Challenger promotions to champion.", {"model"})) {
  registry_->AddCollector(
      kPrequentialName, "Latest prequential (test-then-train) metric of a model version.",
      metrics::MetricType::kGauge, {"model", "version", "role", "metric"},
      [this](metrics::SampleSink& sink) {
        absl::MutexLock l(&mu_);
        for (const auto& [key, points] : series_) {
          if (points.empty()) continue;
          const auto& [model, version, role, metric] = key;
          sink.Add({model, absl::StrCat(version), role, metric}, points.back().value);
        }
      },
      kMaxSeries);
}

MlMetrics::~MlMetrics() { registry_->RemoveCollector(kPrequentialName); }

void MlMetrics::Scored(const std::string& job, const std::string& model, int64_t version,
                       int64_t records, int64_t latency_ns) {
  if (records > 0) scores_->WithLabels({job, model, absl::StrCat(version)})->Increment(records);
  latency_->WithLabels({model})->Observe(latency_ns);
}

void MlMetrics::ServingVersion(const std::string& model, const std::string& role,
                               int64_t version) {
  version_->WithLabels({model, role})->Set(version);
}

void MlMetrics::Prequential(const std::string& model, int64_t version, const std::string& role,
                            const std::string& metric, double value) {
  if (!std::isfinite(value)) return;
  const int64_t now = clock_->NowMillis();
  absl::MutexLock l(&mu_);
  SeriesKey key{model, version, role, metric};
  auto it = series_.find(key);
  if (it == series_.end()) {
    if (series_.size() >= kMaxSeries) return;
    it = series_.emplace(std::move(key), std::deque<MlMetricPoint>()).first;
  }
  std::deque<MlMetricPoint>& points = it->second;
  if (!points.empty() && now - points.back().time_ms < kPointIntervalMs) {
    points.back().value = value;
    return;
  }
  points.push_back({now, value});
  while (points.size() > kMaxPoints) points.pop_front();
}

void MlMetrics::AddEvent(MlEvent e) {
  events_.push_back(std::move(e));
  while (events_.size() > kMaxEvents) events_.pop_front();
}

void MlMetrics::DriftDetected(const std::string& model, int64_t version,
                              const std::string& detector, const std::string& detail) {
  drift_->WithLabels({model, detector})->Increment();
  absl::MutexLock l(&mu_);
  AddEvent({clock_->NowMillis(), "drift", model, version,
            detail.empty() ? detector : absl::StrCat(detector, ": ", detail)});
}

void MlMetrics::Promoted(const std::string& model, int64_t new_champion,
                         const std::string& reason) {
  promotions_->WithLabels({model})->Increment();
  version_->WithLabels({model, "champion"})->Set(new_champion);
  absl::MutexLock l(&mu_);
  AddEvent({clock_->NowMillis(), "promotion", model, new_champion, reason});
}

std::vector<PrequentialSeries> MlMetrics::Series() const {
  absl::MutexLock l(&mu_);
  std::vector<PrequentialSeries> out;
  for (const auto& [key, points] : series_) {
    PrequentialSeries s;
    std::tie(s.model, s.version, s.role, s.metric) = key;
    s.points.assign(points.begin(), points.end());
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<MlEvent> MlMetrics::Events() const {
  absl::MutexLock l(&mu_);
  return {events_.begin(), events_.end()};
}

}  // namespace rtai::engine::runtime
