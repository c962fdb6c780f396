#pragma once
// BrokerPartitionClient: engine::io::PartitionClient over the in-process
// broker::Broker — the only place where engine and broker meet (cli links
// both; engine/ never includes broker/). Reads are Fetch long polls decoded
// with DecodeRecordBatches; appends are Kafka v2 batches routed like a Kafka
// producer (murmur2 of the key, else round robin) and acknowledged with
// acks=all. Thread-safe (the Broker is).
//
// Also the engine's TransactionalClient over the broker's transaction
// coordinator (broker/txn): InitTransactions/EndTransaction call it
// directly; AppendTransactional adds the partitions to the transaction, then
// appends transactional batches stamped with the handle's producer id and
// epoch. Those batches carry no sequence numbers (baseSequence -1): an
// in-process append is never retried, so there is no duplicate to detect;
// the partition's transaction guards still apply. ReadCommitted is a
// read_committed Fetch filtered with its aborted-transactions list. Calls
// that reach the coordinator block on disk: never call them on a network
// thread.

#include <atomic>
#include <vector>

#include "broker/core/broker.h"
#include "broker/log/record.h"
#include "engine/io/partition_client.h"
#include "engine/io/transactional_client.h"

namespace rtai::cli {

class BrokerPartitionClient : public engine::io::PartitionClient,
                              public engine::io::TransactionalClient {
 public:
  // `broker` must outlive the client, and `group_offsets` (may be null: no
  // consumer-group offsets) too.
  explicit BrokerPartitionClient(broker::Broker* broker,
                                 engine::io::GroupOffsets* group_offsets = nullptr)
      : broker_(broker), group_offsets_(group_offsets) {}

  absl::StatusOr<int32_t> PartitionCount(const std::string& topic) override;
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& topic,
                                                          int32_t partition) override;
  absl::StatusOr<engine::io::ReadResult> ReadBatch(const std::string& topic, int32_t partition,
                                                   int64_t offset, int32_t max_bytes,
                                                   int32_t max_wait_ms) override;
  absl::Status Append(const std::string& topic,
                      std::vector<engine::io::ClientRecord> records) override;
  engine::io::GroupOffsets* group_offsets() override { return group_offsets_; }

  // TransactionalClient. kUnimplemented when the broker has no coordinator.
  absl::StatusOr<engine::io::TxnHandle> InitTransactions(const std::string& transactional_id,
                                                         int32_t timeout_ms) override;
  absl::Status AppendTransactional(const engine::io::TxnHandle& txn, const std::string& topic,
                                   std::vector<engine::io::ClientRecord> records) override;
  absl::Status EndTransaction(const engine::io::TxnHandle& txn, bool commit) override;
  absl::StatusOr<engine::io::ReadResult> ReadCommitted(const std::string& topic,
                                                       int32_t partition, int64_t offset,
                                                       int32_t max_bytes,
                                                       int32_t max_wait_ms) override;

 private:
  // Groups records by partition like a Kafka producer; then one batch per
  // kRecordsPerBatch records each.
  absl::StatusOr<std::vector<std::vector<broker::Record>>> RouteRecords(
      const std::string& topic, std::vector<engine::io::ClientRecord> records);
  // Decodes fetched batches into records at or after `offset`.
  static absl::StatusOr<engine::io::ReadResult> ToReadResult(const std::string& batches,
                                                             int64_t offset);

  broker::Broker* broker_;
  engine::io::GroupOffsets* const group_offsets_;
  std::atomic<uint32_t> next_partition_{0};
};

}  // namespace rtai::cli
