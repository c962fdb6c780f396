#pragma once
// MlMetrics: online-ML hooks for scoring operators and champion/challenger
// logic, as Prometheus series plus a bounded history that rtaid's dashboard
// charts (models page). rtaid owns one; operators reach it through
// OperatorContext::ml_metrics (nullptr: not recorded).
//
//   rtai_ml_scores_total{job_id,model,version}                counter (rate() = scores/s)
//   rtai_ml_scoring_duration_seconds{model}                histogram (one scoring call)
//   rtai_ml_model_version{model,role}                      gauge (role: champion|challenger)
//   rtai_ml_prequential_metric{model,version,role,metric}  gauge (latest value, e.g. auc)
//   rtai_ml_drift_detections_total{model,detector}         counter
//   rtai_ml_promotions_total{model}                        counter
//
// Bounds: at most kMaxSeries prequential series (later ones are counted in
// Prometheus only as far as the registry's own bound allows and get no
// history), kMaxPoints points each (one point per kPointIntervalMs: a later
// value within the interval replaces the last point), and the last
// kMaxEvents drift/promotion events.
// Thread-safe. `registry` and `clock` must outlive this object.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/metrics/registry.h"

namespace rtai::engine::runtime {

struct MlEvent {
  int64_t time_ms = 0;    // wall clock
  std::string kind;       // "drift" or "promotion"
  std::string model;
  int64_t version = 0;    // drifting version / new champion
  std::string detail;     // detector name and statistic / reason
};

struct MlMetricPoint {
  int64_t time_ms = 0;
  double value = 0;
};

struct PrequentialSeries {
  std::string model;
  int64_t version = 0;
  std::string role;    // "champion" or "challenger"
  std::string metric;  // e.g. "accuracy", "auc", "logloss"
  std::vector<MlMetricPoint> points;  // oldest first
};

class MlMetrics {
 public:
  static constexpr size_t kMaxSeries = 256;
  static constexpr size_t kMaxPoints = 360;
  static constexpr int64_t kPointIntervalMs = 1000;
  static constexpr size_t kMaxEvents = 256;

  MlMetrics(metrics::Registry* registry, const Clock* clock);
  ~MlMetrics();  // removes its scrape-time collector
  MlMetrics(const MlMetrics&) = delete;
  MlMetrics& operator=(const MlMetrics&) = delete;

  // `records` scored by `model`@`version` in one call that took latency_ns.
  void Scored(const std::string& job, const std::string& model, int64_t version,
              int64_t records, int64_t latency_ns);
  // `model`@`version` now serves as `role` ("champion" or "challenger").
  void ServingVersion(const std::string& model, const std::string& role, int64_t version);
  // The latest prequential (test-then-train) value of `metric`.
  void Prequential(const std::string& model, int64_t version, const std::string& role,
                   const std::string& metric, double value);
  void DriftDetected(const std::string& model, int64_t version, const std::string& detector,
                     const std::string& detail);
  void Promoted(const std::string& model, int64_t new_champion, const std::string& reason);

  std::vector<PrequentialSeries> Series() const;  // by model, version, role, metric
  std::vector<MlEvent> Events() const;            // oldest first

 private:
  using SeriesKey = std::tuple<std::string, int64_t, std::string, std::string>;
  void AddEvent(MlEvent e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  metrics::Registry* const registry_;
  const Clock* const clock_;
  metrics::Family<metrics::Counter>* scores_;
  metrics::Family<metrics::Histogram>* latency_;
  metrics::Family<metrics::Gauge>* version_;
  metrics::Family<metrics::Counter>* drift_;
  metrics::Family<metrics::Counter>* promotions_;

  mutable absl::Mutex mu_;
  std::map<SeriesKey, std::deque<MlMetricPoint>> series_ ABSL_GUARDED_BY(mu_);
  std::deque<MlEvent> events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::engine::runtime
