#pragma once
// Registry: the process's metrics, rendered in the Prometheus text
// exposition format (text/plain; version=0.0.4) by RenderText().
//
// Registration is get-or-create: asking again for an existing name returns
// the same family (CHECKed to have the same type, label names and
// buckets), so independent components may share a Registry. Names and
// label names are CHECKed (programmer errors); label values are data and
// are escaped. Output order: by metric name; series by label values.
//
// rtaid owns one Registry and passes it by pointer (BrokerOptions,
// KafkaServerOptions, GrpcServerOptions); there is no global registry.
// Thread safety: all methods are thread-safe; callbacks run on the thread
// calling RenderText() and must not call back into the Registry. A scrape
// never blocks registration or increments: it holds only render_mu_
// (serialising scrapes and collector changes) while it formats.
// Ownership: returned pointers live as long as the Registry.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/metrics/counter.h"
#include "base/metrics/family.h"
#include "base/metrics/gauge.h"
#include "base/metrics/histogram.h"

namespace rtai::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// Default bound on distinct label tuples per family. Default: 10000.
inline constexpr size_t kDefaultMaxSeries = 10000;

// Receives the samples of a collector at scrape time: one value per tuple
// of label values (one value per declared label name, CHECKed).
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void Add(std::vector<std::string> label_values, double value) = 0;
};

class Registry {
 public:
  // `clock` times latency histograms (see clock()); must outlive this.
  explicit Registry(Clock* clock = SystemClock());
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>* CounterFamily(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names,
                                 size_t max_series = kDefaultMaxSeries);
  Family<Gauge>* GaugeFamily(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names,
                             size_t max_series = kDefaultMaxSeries);
  // `bounds` in raw units; rendered (le and _sum) multiplied by `scale`
  // (1e-9 renders nanoseconds as seconds). "le" may not be a label name.
  Family<Histogram>* HistogramFamily(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     std::vector<int64_t> bounds, double scale = 1.0,
                                     size_t max_series = kDefaultMaxSeries);

  // Unlabelled shorthands.
  Counter* AddCounter(const std::string& name, const std::string& help);
  Gauge* AddGauge(const std::string& name, const std::string& help);
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<int64_t> bounds, double scale = 1.0);

  // A value computed at scrape time (kGauge or kCounter). The collector is
  // called once per RenderText; samples past `max_series` are dropped
  // (rendered as a comment line counting them). Registering an existing
  // name replaces its collector. Objects the collector uses must outlive
  // the Registry or be removed first with RemoveCollector.
  void AddCollector(const std::string& name, const std::string& help, MetricType type,
                    std::vector<std::string> label_names,
                    std::function<void(SampleSink&)> collect,
                    size_t max_series = kDefaultMaxSeries);
  void AddCallbackGauge(const std::string& name, const std::string& help,
                        std::function<double()> value);
  void RemoveCollector(const std::string& name);

  // The whole exposition, "# HELP"/"# TYPE" per metric.
  std::string RenderText() const;

  // The clock for latency measurements (MonotonicNanos) by components that
  // only receive the Registry.
  Clock* clock() const { return clock_; }

 private:
  struct Entry;
  Entry* FindOrAdd(const std::string& name, const std::string& help, MetricType type,
                   const std::vector<std::string>& label_names)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const clock_;
  // Held for a whole RenderText and by Add/RemoveCollector, so a removed
  // collector is never running once RemoveCollector returns. Before mu_.
  mutable absl::Mutex render_mu_;
  mutable absl::Mutex mu_;  // entries_ (brief: lookups and inserts)
  std::map<std::string, std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::metrics
