#pragma once
// MemoryBroker: a complete in-memory implementation of the Broker facade
// for Kafka-front tests and the interop test server while the disk-backed
// Broker lives on another branch. It keeps real semantics the protocol
// front depends on: batches stored as received with baseOffset stamped,
// offsets assigned, whole-batch reads bounded by max_bytes (first batch
// always whole), long-poll Fetch woken by Produce or by its deadline,
// OffsetForTimestamp by batch max timestamp, Kafka topic-name rules and
// a max.message.bytes limit. No persistence.
//
// Thread safety: all methods thread-safe. Callbacks run on the calling
// thread (Produce, immediate Fetch) or on the waker thread (timed-out
// long polls).

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "broker/core/broker.h"

namespace rtai::kafka::testing {

class MemoryBroker : public broker::Broker {
 public:
  explicit MemoryBroker(int32_t max_message_bytes = (1 << 20) + 12);
  ~MemoryBroker() override;

  absl::Status CreateTopic(const std::string& name, int32_t partitions,
                           const std::map<std::string, std::string>& configs) override;
  absl::Status DeleteTopic(const std::string& name) override;
  std::vector<std::string> ListTopics() const override;
  absl::StatusOr<broker::TopicDescription> DescribeTopic(const std::string& name) const override;
  absl::StatusOr<broker::TopicSummary> SummarizeTopic(const std::string& name) const override;
  void Produce(const std::string& topic, PartitionId partition, std::string batch,
               broker::Acks acks, broker::ProduceCallback done) override;
  void Fetch(const std::string& topic, PartitionId partition, Offset offset, int32_t max_bytes,
             int64_t max_wait_ms, broker::FetchCallback done) override;
  absl::StatusOr<broker::PartitionDescription> DescribePartition(
      const std::string& topic, PartitionId partition) const override;
  absl::StatusOr<Offset> OffsetForTimestamp(const std::string& topic, PartitionId partition,
                                            int64_t timestamp_ms) const override;
  NodeId node_id() const override { return NodeId(0); }
  absl::StatusOr<int64_t> AllocateProducerId() override { return next_producer_id_++; }
  void Shutdown() override;

  // Number of long polls waiting (for tests).
  int waiting_fetches() const;

 private:
  std::atomic<int64_t> next_producer_id_{0};
  struct BatchRef {
    int64_t base;
    int64_t last;
    size_t pos;
    size_t size;
    int64_t max_timestamp;
  };
  struct Waiter {
    Offset offset;
    int32_t max_bytes;
    int64_t deadline_ns;
    broker::FetchCallback done;
  };
  struct Partition {
    std::string data;
    std::vector<BatchRef> batches;
    int64_t end = 0;
    std::vector<std::unique_ptr<Waiter>> waiters;
  };
  struct Topic {
    std::vector<Partition> partitions;
    std::map<std::string, std::string> configs;
  };

  Partition* FindLocked(const std::string& topic, PartitionId p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static broker::FetchResult ReadLocked(const Partition& p, Offset from, int32_t max_bytes);
  void WakerLoop();

  const int32_t max_message_bytes_;
  mutable absl::Mutex mu_;
  std::map<std::string, Topic> topics_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  std::thread waker_;
};

}  // namespace rtai::kafka::testing
