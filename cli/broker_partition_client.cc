#include "cli/broker_partition_client.h"

#include "base/status_macros.h"
#include "broker/grpc/partitioner.h"
#include "broker/log/record_batch.h"

namespace rtai::cli {
namespace {
constexpr size_t kRecordsPerBatch = 1000;
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

absl::StatusOr<engine::io::ReadResult> BrokerPartitionClient::ReadBatch(
    const std::string& topic, int32_t partition, int64_t offset, int32_t max_bytes,
    int32_t max_wait_ms) {
  ASSIGN_OR_RETURN(broker::FetchResult f,
                   broker::FetchAndWait(*broker_, topic, PartitionId(partition), Offset(offset),
                                        max_bytes, max_wait_ms));
  ASSIGN_OR_RETURN(std::vector<broker::Record> records, broker::DecodeRecordBatches(f.batches));
  engine::io::ReadResult result;
  result.next_offset = offset;
  result.end_offset = f.high_watermark.value();
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

absl::Status BrokerPartitionClient::Append(const std::string& topic,
                                           std::vector<engine::io::ClientRecord> records) {
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
  for (int32_t p = 0; p < partitions; ++p) {
    const auto& recs = by_partition[p];
    for (size_t i = 0; i < recs.size(); i += kRecordsPerBatch) {
      const size_t n = std::min(kRecordsPerBatch, recs.size() - i);
      std::string batch = broker::BuildRecordBatch(absl::MakeConstSpan(recs.data() + i, n));
      RETURN_IF_ERROR(broker::ProduceAndWait(*broker_, topic, PartitionId(p), std::move(batch),
                                             broker::Acks::kAll)
                          .status());
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::cli
