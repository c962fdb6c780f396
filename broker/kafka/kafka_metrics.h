#pragma once
// Metrics of the Kafka front (names and labels: docs/OPERATIONS.md):
//   rtai_kafka_request_duration_seconds{api}  histogram, frame decoded to
//       response ready (Produce includes the wait for acks; Fetch its
//       long-poll wait). Only known APIs are labelled, so `api` is bounded.
//   rtai_kafka_consumer_group_lag{group,topic,partition}  gauge at scrape
//       time: high watermark minus committed offset (partitions with a
//       commit only; never below 0).
//   rtai_kafka_consumer_group_committed_offset{group,topic,partition}
//   rtai_kafka_open_connections  gauge at scrape time.
// Thread safety: as the objects used; collectors run on the scraping thread.

#include <functional>
#include <vector>

#include "base/metrics/registry.h"
#include "broker/core/broker.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/kafka/request_processor.h"

namespace rtai::kafka {

// One duration histogram per known API, created up front so that timing a
// request takes no lock. `registry` must outlive this object.
class KafkaRequestTimers {
 public:
  explicit KafkaRequestTimers(metrics::Registry* registry);
  // `done` wrapped so that the request's duration is recorded when it
  // runs; `done` itself for an API key without a histogram.
  RequestProcessor::Done Wrap(int16_t api_key, RequestProcessor::Done done) const;

 private:
  Clock* const clock_;
  std::vector<metrics::Histogram*> by_key_;  // index: API key; null: unknown
};

// Registers the scrape-time collectors. `groups`, `broker` and whatever
// `open_connections` reads must stay valid until UnregisterKafkaCollectors.
void RegisterKafkaCollectors(metrics::Registry* registry, GroupCoordinator* groups,
                             const broker::Broker* broker,
                             std::function<int()> open_connections);
void UnregisterKafkaCollectors(metrics::Registry* registry);

}  // namespace rtai::kafka
