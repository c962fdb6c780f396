#include "broker/kafka/kafka_metrics.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {

constexpr char kLag[] = "rtai_kafka_consumer_group_lag";
constexpr char kCommitted[] = "rtai_kafka_consumer_group_committed_offset";
constexpr char kConnections[] = "rtai_kafka_open_connections";

std::string ApiName(int16_t api_key) {
  const ApiSchema* schema = FindApiSchema(api_key);
  if (schema == nullptr) return absl::StrCat(api_key);
  std::string name(schema->request->name.data(), schema->request->name.size());
  const std::string suffix = "Request";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name.resize(name.size() - suffix.size());
  }
  return name;
}

// Calls fn(group, topic, partition, committed offset, high watermark) for
// every committed partition whose topic still exists.
template <typename Fn>
void ForEachCommit(GroupCoordinator* groups, const broker::Broker* broker, Fn fn) {
  for (const std::string& group : groups->GroupIds()) {
    auto offsets = groups->FetchOffsets(group, std::nullopt);
    for (const auto& [tp, committed] : offsets) {
      if (committed.offset < 0) continue;
      auto p = broker->DescribePartition(tp.first, PartitionId(tp.second));
      if (!p.ok()) continue;
      fn(group, tp.first, tp.second, committed.offset, p->high_watermark.value());
    }
  }
}

}  // namespace

KafkaRequestTimers::KafkaRequestTimers(metrics::Registry* registry)
    : clock_(registry->clock()) {
  metrics::Family<metrics::Histogram>* family = registry->HistogramFamily(
      "rtai_kafka_request_duration_seconds", "Kafka requests from decode to response, by API.",
      {"api"}, metrics::LatencyBoundsNanos(), 1e-9, /*max_series=*/128);
  constexpr int16_t kMaxApiKey = 127;
  by_key_.assign(kMaxApiKey + 1, nullptr);
  for (int16_t key = 0; key <= kMaxApiKey; ++key) {
    if (FindApiSchema(key) != nullptr) by_key_[key] = family->WithLabels({ApiName(key)});
  }
}

RequestProcessor::Done KafkaRequestTimers::Wrap(int16_t api_key,
                                                RequestProcessor::Done done) const {
  if (api_key < 0 || static_cast<size_t>(api_key) >= by_key_.size() ||
      by_key_[api_key] == nullptr) {
    return done;
  }
  metrics::Histogram* h = by_key_[api_key];
  const int64_t start = clock_->MonotonicNanos();
  return [h, clock = clock_, start,
          done = std::move(done)](RequestProcessor::Outcome outcome) mutable {
    h->Observe(clock->MonotonicNanos() - start);
    done(std::move(outcome));
  };
}

void RegisterKafkaCollectors(metrics::Registry* registry, GroupCoordinator* groups,
                             const broker::Broker* broker,
                             std::function<int()> open_connections) {
  registry->AddCollector(
      kLag, "Consumer-group lag: high watermark minus committed offset.",
      metrics::MetricType::kGauge, {"group", "topic", "partition"},
      [groups, broker](metrics::SampleSink& sink) {
        ForEachCommit(groups, broker,
                      [&](const std::string& g, const std::string& t, int32_t p,
                          int64_t committed, int64_t hw) {
                        sink.Add({g, t, absl::StrCat(p)},
                                 static_cast<double>(std::max<int64_t>(0, hw - committed)));
                      });
      });
  registry->AddCollector(
      kCommitted, "Consumer-group committed offset.", metrics::MetricType::kGauge,
      {"group", "topic", "partition"}, [groups, broker](metrics::SampleSink& sink) {
        ForEachCommit(groups, broker,
                      [&](const std::string& g, const std::string& t, int32_t p,
                          int64_t committed, int64_t) {
                        sink.Add({g, t, absl::StrCat(p)}, static_cast<double>(committed));
                      });
      });
  registry->AddCallbackGauge(kConnections, "Open Kafka protocol connections.",
                             [f = std::move(open_connections)] { return f(); });
}

void UnregisterKafkaCollectors(metrics::Registry* registry) {
  for (const char* name : {kLag, kCommitted, kConnections}) registry->RemoveCollector(name);
}

}  // namespace rtai::kafka
