#include "base/metrics/registry.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/metrics/text_format.h"

namespace rtai::metrics {

struct Registry::Entry {
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  std::vector<int64_t> bounds;  // histograms
  double scale = 1.0;           // histograms
  std::function<void(SampleSink&)> collect;
  size_t max_series = kDefaultMaxSeries;
};

namespace {

const char* TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Collects into a text buffer, bounded by max_series.
class TextSink : public SampleSink {
 public:
  TextSink(const std::string& name, const std::vector<std::string>& label_names,
           size_t max_series, std::string* out)
      : name_(name), label_names_(label_names), max_series_(max_series), out_(out) {}
  void Add(std::vector<std::string> label_values, double value) override {
    CHECK_EQ(label_values.size(), label_names_.size());
    if (added_ >= max_series_) {
      ++dropped_;
      return;
    }
    ++added_;
    for (std::string& v : label_values) {
      if (v.size() > kMaxLabelValueBytes) v.resize(kMaxLabelValueBytes);
    }
    absl::StrAppend(out_, name_, LabelBlock(label_names_, label_values), " ",
                    FormatDouble(value), "\n");
  }
  size_t dropped() const { return dropped_; }

 private:
  const std::string& name_;
  const std::vector<std::string>& label_names_;
  const size_t max_series_;
  std::string* out_;
  size_t added_ = 0;
  size_t dropped_ = 0;
};

// raw * scale, computed as raw / (1 / scale) when that is an integer
// (1e-9 -> / 1e9), so "0.001" renders without binary noise.
double Scale(int64_t raw, double scale) {
  const double inverse = 1.0 / scale;
  const double rounded = std::round(inverse);
  if (scale < 1.0 && std::fabs(inverse - rounded) < 1e-6 * rounded) {
    return static_cast<double>(raw) / rounded;
  }
  return static_cast<double>(raw) * scale;
}

void RenderHistogram(const std::string& name, const std::vector<std::string>& names,
                     const std::vector<std::string>& values, const Histogram& h,
                     double scale, std::string* out) {
  const Histogram::Snapshot s = h.Read();
  int64_t cumulative = 0;
  for (size_t i = 0; i <= h.bounds().size(); ++i) {
    cumulative += s.bucket_counts[i];
    const std::string le =
        i < h.bounds().size()
            ? FormatDouble(Scale(h.bounds()[i], scale))
            : "+Inf";
    absl::StrAppend(out, name, "_bucket", LabelBlock(names, values, absl::StrCat("le=\"", le, "\"")),
                    " ", cumulative, "\n");
  }
  const std::string block = LabelBlock(names, values);
  absl::StrAppend(out, name, "_sum", block, " ",
                  FormatDouble(Scale(s.sum, scale)), "\n");
  absl::StrAppend(out, name, "_count", block, " ", s.count, "\n");
}

}  // namespace

Registry::Registry(Clock* clock) : clock_(clock) {}
Registry::~Registry() = default;

Registry::Entry* Registry::FindOrAdd(const std::string& name, const std::string& help,
                                     MetricType type,
                                     const std::vector<std::string>& label_names) {
  CHECK(IsValidMetricName(name));
  for (const std::string& l : label_names) {
    CHECK(IsValidLabelName(l));
    CHECK(type != MetricType::kHistogram || l != "le");
  }
  std::unique_ptr<Entry>& e = entries_[name];
  if (e != nullptr) {
    CHECK(e->type == type);
    CHECK(e->label_names == label_names);
    return e.get();
  }
  e = std::make_unique<Entry>();
  e->help = help;
  e->type = type;
  e->label_names = label_names;
  return e.get();
}

Family<Counter>* Registry::CounterFamily(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names,
                                         size_t max_series) {
  absl::MutexLock l(&mu_);
  Entry* e = FindOrAdd(name, help, MetricType::kCounter, label_names);
  CHECK(!e->collect);
  if (e->counters == nullptr) {
    e->counters = std::make_unique<Family<Counter>>(
        std::move(label_names), max_series, [] { return std::make_unique<Counter>(); });
  }
  return e->counters.get();
}

Family<Gauge>* Registry::GaugeFamily(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     size_t max_series) {
  absl::MutexLock l(&mu_);
  Entry* e = FindOrAdd(name, help, MetricType::kGauge, label_names);
  CHECK(!e->collect);
  if (e->gauges == nullptr) {
    e->gauges = std::make_unique<Family<Gauge>>(
        std::move(label_names), max_series, [] { return std::make_unique<Gauge>(); });
  }
  return e->gauges.get();
}

Family<Histogram>* Registry::HistogramFamily(const std::string& name, const std::string& help,
                                             std::vector<std::string> label_names,
                                             std::vector<int64_t> bounds, double scale,
                                             size_t max_series) {
  absl::MutexLock l(&mu_);
  Entry* e = FindOrAdd(name, help, MetricType::kHistogram, label_names);
  if (e->histograms != nullptr) {
    CHECK(e->bounds == bounds);
    CHECK(e->scale == scale);
    return e->histograms.get();
  }
  e->bounds = bounds;
  e->scale = scale;
  e->histograms = std::make_unique<Family<Histogram>>(
      std::move(label_names), max_series,
      [bounds] { return std::make_unique<Histogram>(bounds); });
  return e->histograms.get();
}

Counter* Registry::AddCounter(const std::string& name, const std::string& help) {
  return CounterFamily(name, help, {})->WithLabels({});
}
Gauge* Registry::AddGauge(const std::string& name, const std::string& help) {
  return GaugeFamily(name, help, {})->WithLabels({});
}
Histogram* Registry::AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<int64_t> bounds, double scale) {
  return HistogramFamily(name, help, {}, std::move(bounds), scale)->WithLabels({});
}

void Registry::AddCollector(const std::string& name, const std::string& help,
                            MetricType type, std::vector<std::string> label_names,
                            std::function<void(SampleSink&)> collect, size_t max_series) {
  CHECK(type != MetricType::kHistogram);
  CHECK(collect);
  absl::MutexLock render(&render_mu_);
  absl::MutexLock l(&mu_);
  Entry* e = FindOrAdd(name, help, type, label_names);
  CHECK(e->counters == nullptr && e->gauges == nullptr);
  e->help = help;
  e->collect = std::move(collect);
  e->max_series = max_series;
}

void Registry::AddCallbackGauge(const std::string& name, const std::string& help,
                                std::function<double()> value) {
  CHECK(value);
  AddCollector(name, help, MetricType::kGauge, {},
               [value = std::move(value)](SampleSink& sink) { sink.Add({}, value()); });
}

void Registry::RemoveCollector(const std::string& name) {
  absl::MutexLock render(&render_mu_);
  absl::MutexLock l(&mu_);
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second->collect) entries_.erase(it);
}

std::string Registry::RenderText() const {
  absl::MutexLock render(&render_mu_);
  // Entries are only erased under render_mu_ (RemoveCollector) and an
  // entry's collector only changes under it too, so the pointers stay
  // valid and unchanged while we format without mu_.
  std::vector<std::pair<std::string, const Entry*>> entries;
  {
    absl::MutexLock l(&mu_);
    entries.reserve(entries_.size());
    for (const auto& [name, e] : entries_) entries.emplace_back(name, e.get());
  }
  std::string out;
  // Plain references, not a structured binding: the lambdas below capture
  // them, which clang before 16 rejects for bindings (the fuzz build).
  for (const auto& entry : entries) {
    const std::string& name = entry.first;
    const Entry* e = entry.second;
    absl::StrAppend(&out, "# HELP ", name, " ", EscapeHelp(e->help), "\n# TYPE ", name, " ",
                    TypeName(e->type), "\n");
    const std::vector<std::string>& names = e->label_names;
    if (e->collect) {
      TextSink sink(name, names, e->max_series, &out);
      e->collect(sink);
      if (sink.dropped() > 0) {
        absl::StrAppend(&out, "# ", name, ": ", sink.dropped(),
                        " series dropped (over the limit of ", e->max_series, ")\n");
      }
    } else if (e->counters != nullptr) {
      e->counters->ForEach([&](const std::vector<std::string>& values, const Counter& c) {
        absl::StrAppend(&out, name, LabelBlock(names, values), " ", c.Value(), "\n");
      });
    } else if (e->gauges != nullptr) {
      e->gauges->ForEach([&](const std::vector<std::string>& values, const Gauge& g) {
        absl::StrAppend(&out, name, LabelBlock(names, values), " ", g.Value(), "\n");
      });
    } else if (e->histograms != nullptr) {
      e->histograms->ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
        RenderHistogram(name, names, values, h, e->scale, &out);
      });
    }
  }
  return out;
}

}  // namespace rtai::metrics
