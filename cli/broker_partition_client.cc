#include "cli/broker_partition_client.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "broker/grpc/partitioner.h"
#include "broker/log/committed_filter.h"
#include "broker/log/producer_state.h"
#include "broker/log/record_batch.h"
#include "broker/log/txn_batch.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::cli {
namespace {
constexpr size_t kRecordsPerBatch = 1000;

// Coordinator and partition errors as the TransactionalClient contract
// names them: fencing and wrong states are kFailedPrecondition.
absl::Status TxnStatus(const absl::Status& s) {
  if (s.ok()) return s;
  const std::string name = broker::ProducerErrorName(s);
  if (name == "INVALID_PRODUCER_EPOCH") {
    return absl::FailedPreconditionError(absl::StrCat("fenced: ", s.message()));
  }
  if (name == "INVALID_TXN_STATE") return absl::FailedPreconditionError(s.message());
  return s;
}

}  // namespace

absl::StatusOr<int32_t> BrokerPartitionClient::PartitionCount(const std::string& topic) {
  ASSIGN_OR_RETURN(broker::TopicSummary s, broker_->SummarizeTopic(topic));
  return s.partition_count;
}

absl::StatusOr<std::pair<int64_t, int64_t>> BrokerPartitionClient::OffsetRange(
    const std::string& topic, int32_t partition) {
  ASSIGN_OR_RETURN(broker::PartitionDescription d,
                   broker_->DescribePartition(topic, PartitionId(partition)));
  return std::make_pair(d.log_start_offset.value(), d.high_watermark.value());
}

absl::StatusOr<engine::io::ReadResult> BrokerPartitionClient::ToReadResult(
    const std::string& batches, int64_t offset) {
  ASSIGN_OR_RETURN(std::vector<broker::Record> records, broker::DecodeRecordBatches(batches));
  engine::io::ReadResult result;
  result.next_offset = offset;
  for (broker::Record& r : records) {
    if (r.offset.value() < offset) continue;  // batches start before the offset
    engine::io::ClientRecord c;
    c.key = r.key.value_or("");
    c.value = r.value.value_or("");
    c.timestamp_ms = r.timestamp_ms;
    c.offset = r.offset.value();
    for (broker::RecordHeader& h : r.headers) {
      c.headers.emplace_back(std::move(h.key), h.value.value_or(""));
    }
    result.next_offset = c.offset + 1;
    result.records.push_back(std::move(c));
  }
  return result;
}

absl::StatusOr<engine::io::ReadResult> BrokerPartitionClient::ReadBatch(
    const std::string& topic, int32_t partition, int64_t offset, int32_t max_bytes,
    int32_t max_wait_ms) {
  ASSIGN_OR_RETURN(broker::FetchResult f,
                   broker::FetchAndWait(*broker_, topic, PartitionId(partition), Offset(offset),
                                        max_bytes, max_wait_ms));
  ASSIGN_OR_RETURN(engine::io::ReadResult result, ToReadResult(f.batches, offset));
  result.end_offset = f.high_watermark.value();
  return result;
}

absl::StatusOr<std::vector<std::vector<broker::Record>>> BrokerPartitionClient::RouteRecords(
    const std::string& topic, std::vector<engine::io::ClientRecord> records) {
  ASSIGN_OR_RETURN(int32_t partitions, PartitionCount(topic));
  std::vector<std::vector<broker::Record>> by_partition(partitions);
  for (engine::io::ClientRecord& c : records) {
    const int32_t p = c.key.empty()
                          ? static_cast<int32_t>(next_partition_++ % partitions)
                          : broker::KafkaPartitionForKey(c.key, partitions);
    broker::Record r;
    if (!c.key.empty()) r.key = std::move(c.key);
    r.value = std::move(c.value);
    r.timestamp_ms = c.timestamp_ms;
    for (auto& [k, v] : c.headers) r.headers.push_back({k, v});
    by_partition[p].push_back(std::move(r));
  }
  return by_partition;
}

absl::Status BrokerPartitionClient::Append(const std::string& topic,
                                           std::vector<engine::io::ClientRecord> records) {
  ASSIGN_OR_RETURN(auto by_partition, RouteRecords(topic, std::move(records)));
  for (size_t p = 0; p < by_partition.size(); ++p) {
    const auto& recs = by_partition[p];
    for (size_t i = 0; i < recs.size(); i += kRecordsPerBatch) {
      const size_t n = std::min(kRecordsPerBatch, recs.size() - i);
      std::string batch = broker::BuildRecordBatch(absl::MakeConstSpan(recs.data() + i, n));
      RETURN_IF_ERROR(broker::ProduceAndWait(*broker_, topic,
                                             PartitionId(static_cast<int32_t>(p)),
                                             std::move(batch), broker::Acks::kAll)
                          .status());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<engine::io::TxnHandle> BrokerPartitionClient::InitTransactions(
    const std::string& transactional_id, int32_t timeout_ms) {
  broker::txn::TransactionCoordinator* coordinator = broker_->transactions();
  if (coordinator == nullptr) {
    return absl::UnimplementedError("this broker has no transaction coordinator");
  }
  ASSIGN_OR_RETURN(broker::txn::ProducerIdAndEpoch pe,
                   coordinator->InitProducerId(transactional_id, timeout_ms));
  return engine::io::TxnHandle{transactional_id, pe.producer_id, pe.producer_epoch};
}

absl::Status BrokerPartitionClient::AppendTransactional(
    const engine::io::TxnHandle& txn, const std::string& topic,
    std::vector<engine::io::ClientRecord> records) {
  broker::txn::TransactionCoordinator* coordinator = broker_->transactions();
  if (coordinator == nullptr) {
    return absl::UnimplementedError("this broker has no transaction coordinator");
  }
  ASSIGN_OR_RETURN(auto by_partition, RouteRecords(topic, std::move(records)));
  std::vector<broker::txn::TopicPartition> touched;
  for (size_t p = 0; p < by_partition.size(); ++p) {
    if (!by_partition[p].empty()) touched.emplace_back(topic, static_cast<int32_t>(p));
  }
  if (touched.empty()) return absl::OkStatus();
  const broker::txn::ProducerIdAndEpoch producer{txn.producer_id, txn.producer_epoch};
  RETURN_IF_ERROR(coordinator->AddPartitions(txn.transactional_id, producer, touched));
  for (size_t p = 0; p < by_partition.size(); ++p) {
    const auto& recs = by_partition[p];
    for (size_t i = 0; i < recs.size(); i += kRecordsPerBatch) {
      const size_t n = std::min(kRecordsPerBatch, recs.size() - i);
      std::string batch = broker::BuildRecordBatch(absl::MakeConstSpan(recs.data() + i, n));
      broker::StampProducer(&batch, txn.producer_id, txn.producer_epoch, /*base_sequence=*/-1,
                            /*transactional=*/true);
      RETURN_IF_ERROR(TxnStatus(broker::ProduceAndWait(*broker_, topic,
                                                       PartitionId(static_cast<int32_t>(p)),
                                                       std::move(batch), broker::Acks::kAll)
                                    .status()));
    }
  }
  return absl::OkStatus();
}

absl::Status BrokerPartitionClient::EndTransaction(const engine::io::TxnHandle& txn,
                                                   bool commit) {
  broker::txn::TransactionCoordinator* coordinator = broker_->transactions();
  if (coordinator == nullptr) {
    return absl::UnimplementedError("this broker has no transaction coordinator");
  }
  return coordinator->EndTransaction(txn.transactional_id,
                                     {txn.producer_id, txn.producer_epoch}, commit);
}

absl::StatusOr<engine::io::ReadResult> BrokerPartitionClient::ReadCommitted(
    const std::string& topic, int32_t partition, int64_t offset, int32_t max_bytes,
    int32_t max_wait_ms) {
  ASSIGN_OR_RETURN(
      broker::FetchResult f,
      broker::FetchAndWait(*broker_, topic, PartitionId(partition), Offset(offset), max_bytes,
                           max_wait_ms, broker::Isolation::kReadCommitted));
  broker::CommittedBatches kept =
      broker::SelectCommittedBatches(f.batches, std::move(f.aborted_transactions));
  ASSIGN_OR_RETURN(engine::io::ReadResult result, ToReadResult(kept.batches, offset));
  result.next_offset = std::max({result.next_offset, offset, kept.next_offset});
  result.end_offset = f.last_stable_offset.value();
  return result;
}

}  // namespace rtai::cli
