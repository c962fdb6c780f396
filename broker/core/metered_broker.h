#pragma once
// MeteredBroker: a Broker decorator that counts what flows through the
// facade, for every front end at once (gRPC BrokerService, the Kafka
// listener, the engine's in-process client): bytes and records produced
// and fetched per topic, produce/fetch durations as the Broker sees them
// (admission to callback; a fetch includes its long-poll wait), errors by
// status code, and scrape-time gauges of every partition's log (size,
// segments, start/end offsets, high watermark). Metric names:
// docs/OPERATIONS.md.
//
// Cost per request: one reader-locked map lookup for the topic's counters
// (never a lock per record) plus relaxed sharded atomic adds; a fetch walks
// its batch headers once to count records.
//
// Thread safety: as Broker. Ownership: owns `inner`; `registry` must
// outlive this object. The destructor unregisters the scrape-time
// collectors (they read `inner`).

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"

namespace rtai::broker {

// Records in the Kafka v2 batches of `batches` (as Fetch returns them);
// stops at the first incomplete header.
int64_t CountRecordsInBatches(const std::string& batches);

class MeteredBroker final : public Broker {
 public:
  MeteredBroker(std::unique_ptr<Broker> inner, metrics::Registry* registry);
  ~MeteredBroker() override;

  absl::Status CreateTopic(const std::string& name, int32_t partitions,
                           const std::map<std::string, std::string>& configs) override {
    return inner_->CreateTopic(name, partitions, configs);
  }
  absl::Status DeleteTopic(const std::string& name) override {
    return inner_->DeleteTopic(name);
  }
  std::vector<std::string> ListTopics() const override { return inner_->ListTopics(); }
  absl::StatusOr<TopicDescription> DescribeTopic(const std::string& name) const override {
    return inner_->DescribeTopic(name);
  }
  absl::StatusOr<TopicSummary> SummarizeTopic(const std::string& name) const override {
    return inner_->SummarizeTopic(name);
  }
  void Produce(const std::string& topic, PartitionId partition, std::string batch, Acks acks,
               ProduceCallback done) override;
  void Fetch(const std::string& topic, PartitionId partition, Offset offset, int32_t max_bytes,
             int64_t max_wait_ms, FetchCallback done) override;
  void FetchIsolated(const std::string& topic, PartitionId partition, Offset offset,
                     int32_t max_bytes, int64_t max_wait_ms, Isolation isolation,
                     FetchCallback done) override;
  absl::StatusOr<PartitionDescription> DescribePartition(const std::string& topic,
                                                         PartitionId partition) const override {
    return inner_->DescribePartition(topic, partition);
  }
  absl::StatusOr<Offset> OffsetForTimestamp(const std::string& topic, PartitionId partition,
                                            int64_t timestamp_ms) const override {
    return inner_->OffsetForTimestamp(topic, partition, timestamp_ms);
  }
  NodeId node_id() const override { return inner_->node_id(); }
  absl::StatusOr<int64_t> AllocateProducerId() override {
    return inner_->AllocateProducerId();
  }
  txn::TransactionCoordinator* transactions() override { return inner_->transactions(); }
  void Shutdown() override { inner_->Shutdown(); }

  Broker* inner() const { return inner_.get(); }

 private:
  struct TopicCounters {
    metrics::Counter* produced_bytes;
    metrics::Counter* produced_records;
    metrics::Counter* fetched_bytes;
    metrics::Counter* fetched_records;
  };
  // Topics remembered at most; beyond it counters are looked up per call.
  static constexpr size_t kMaxCachedTopics = 10000;
  TopicCounters CountersFor(const std::string& topic);
  void RegisterLogGauges();

  std::unique_ptr<Broker> inner_;
  metrics::Registry* const registry_;
  Clock* const clock_;
  metrics::Family<metrics::Counter>* produced_bytes_;
  metrics::Family<metrics::Counter>* produced_records_;
  metrics::Family<metrics::Counter>* fetched_bytes_;
  metrics::Family<metrics::Counter>* fetched_records_;
  metrics::Family<metrics::Counter>* produce_errors_;
  metrics::Family<metrics::Counter>* fetch_errors_;
  metrics::Histogram* produce_duration_[3];  // by Acks: kNone, kLeader, kAll
  metrics::Histogram* fetch_duration_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, TopicCounters> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::broker
