#pragma once
// BrokerPartitionClient: engine::io::PartitionClient over the in-process
// broker::Broker — the only place where engine and broker meet (cli links
// both; engine/ never includes broker/). Reads are Fetch long polls decoded
// with DecodeRecordBatches; appends are Kafka v2 batches routed like a Kafka
// producer (murmur2 of the key, else round robin) and acknowledged with
// acks=all. Thread-safe (the Broker is).

#include <atomic>

#include "broker/core/broker.h"
#include "engine/io/partition_client.h"

namespace rtai::cli {

class BrokerPartitionClient : public engine::io::PartitionClient {
 public:
  // `broker` must outlive the client.
  explicit BrokerPartitionClient(broker::Broker* broker) : broker_(broker) {}

  absl::StatusOr<int32_t> PartitionCount(const std::string& topic) override;
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& topic,
                                                          int32_t partition) override;
  absl::StatusOr<engine::io::ReadResult> ReadBatch(const std::string& topic, int32_t partition,
                                                   int64_t offset, int32_t max_bytes,
                                                   int32_t max_wait_ms) override;
  absl::Status Append(const std::string& topic,
                      std::vector<engine::io::ClientRecord> records) override;

 private:
  broker::Broker* broker_;
  std::atomic<uint32_t> next_partition_{0};
};

}  // namespace rtai::cli
