// BrokerServiceImpl::Produce: routes records to partitions (explicit, Kafka
// murmur2 by key, or round-robin), builds one Kafka v2 batch per partition
// run (split to stay under max.message.bytes), appends them all
// concurrently and answers with each record's partition and offset.

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "broker/grpc/broker_service.h"
#include "broker/grpc/partitioner.h"
#include "broker/grpc/status_convert.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {
namespace {

// v2 batch header size; every record estimate below is an upper bound.
constexpr int64_t kBatchOverhead = 61;

int64_t EstimateRecordBytes(const v1::Record& r) {
  int64_t n = 36 + r.key().size() + r.value().size();
  for (const v1::Header& h : r.headers()) n += 10 + h.key().size() + h.value().size();
  return n;
}

struct PendingBatch {
  int32_t partition = 0;
  std::vector<int> indices;  // into the request's records
  int64_t estimated_bytes = kBatchOverhead;
};

absl::StatusOr<Acks> ToAcks(v1::Acks acks) {
  switch (acks) {
    case v1::ACKS_ALL: return Acks::kAll;
    case v1::ACKS_LEADER: return Acks::kLeader;
    case v1::ACKS_NONE: return Acks::kNone;
    default:
      return absl::InvalidArgumentError(absl::StrCat("unknown acks value ", acks));
  }
}

Record ToRecord(const v1::Record& r, int64_t now_ms) {
  Record out;
  if (r.has_key()) out.key = r.key();
  if (r.has_value()) out.value = r.value();
  out.timestamp_ms = r.timestamp_ms() != 0 ? r.timestamp_ms() : now_ms;
  out.headers.reserve(r.headers_size());
  for (const v1::Header& h : r.headers()) {
    RecordHeader rh;
    rh.key = h.key();
    if (h.has_value()) rh.value = h.value();
    out.headers.push_back(std::move(rh));
  }
  return out;
}

}  // namespace

grpc::Status BrokerServiceImpl::Produce(grpc::ServerContext*,
                                        const v1::ProduceRequest* req,
                                        v1::ProduceResponse* resp) {
  const int n = req->records_size();
  if (n == 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("produce request for topic \"", req->topic(), "\" has no records")));
  }
  if (n > limits_.max_records_per_produce) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "produce request has ", n, " records; the limit is ",
        limits_.max_records_per_produce)));
  }
  absl::StatusOr<Acks> acks = ToAcks(req->acks());
  if (!acks.ok()) return ToGrpcStatus(acks.status());
  absl::StatusOr<TopicSummary> topic = broker_->SummarizeTopic(req->topic());
  if (!topic.ok()) return ToGrpcStatus(topic.status());
  const int32_t count = topic->partition_count;
  if (req->has_partition() && (req->partition() < 0 || req->partition() >= count)) {
    return ToGrpcStatus(absl::NotFoundError(absl::StrCat(
        "topic \"", req->topic(), "\" has no partition ", req->partition(),
        " (it has ", count, ")")));
  }
  const int64_t batch_limit =
      std::min<int64_t>(limits_.batch_bytes_target, topic->max_message_bytes);

  std::vector<PendingBatch> batches;
  absl::flat_hash_map<int32_t, size_t> open;  // partition -> batch being filled
  for (int i = 0; i < n; ++i) {
    const v1::Record& r = req->records(i);
    const int64_t size = EstimateRecordBytes(r);
    if (size + kBatchOverhead > topic->max_message_bytes) {
      return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
          "record ", i, " is about ", size, " bytes; topic \"", req->topic(),
          "\" accepts batches up to max.message.bytes=", topic->max_message_bytes)));
    }
    int32_t p;
    if (req->has_partition()) {
      p = req->partition();
    } else if (r.has_key()) {
      p = KafkaPartitionForKey(r.key(), count);
    } else {
      p = static_cast<int32_t>(round_robin_.fetch_add(1) % count);
    }
    auto it = open.find(p);
    if (it == open.end() || batches[it->second].estimated_bytes + size > batch_limit) {
      batches.push_back(PendingBatch{p, {}, kBatchOverhead});
      open[p] = batches.size() - 1;
      it = open.find(p);
    }
    PendingBatch& b = batches[it->second];
    b.indices.push_back(i);
    b.estimated_bytes += size;
  }

  const int64_t now_ms = clock_->NowMillis();
  std::vector<absl::StatusOr<AppendInfo>> results(batches.size());
  absl::Mutex mu;
  size_t remaining = batches.size();
  for (size_t b = 0; b < batches.size(); ++b) {
    std::vector<Record> records;
    records.reserve(batches[b].indices.size());
    for (int i : batches[b].indices) records.push_back(ToRecord(req->records(i), now_ms));
    broker_->Produce(req->topic(), PartitionId(batches[b].partition),
                     BuildRecordBatch(records), *acks,
                     [&, b](absl::StatusOr<AppendInfo> r) {
                       absl::MutexLock l(&mu);
                       results[b] = std::move(r);
                       --remaining;
                     });
  }
  {
    absl::MutexLock l(&mu);
    mu.Await(absl::Condition(
        +[](size_t* left) { return *left == 0; }, &remaining));
  }

  auto* positions = resp->mutable_positions();
  positions->Reserve(n);
  for (int i = 0; i < n; ++i) positions->Add();
  for (size_t b = 0; b < batches.size(); ++b) {
    if (!results[b].ok()) return ToGrpcStatus(results[b].status());
    const int64_t base = results[b]->base_offset.value();
    for (size_t j = 0; j < batches[b].indices.size(); ++j) {
      v1::RecordPosition& pos = (*positions)[batches[b].indices[j]];
      pos.set_partition(batches[b].partition);
      pos.set_offset(base < 0 ? -1 : base + static_cast<int64_t>(j));
    }
  }
  return grpc::Status::OK;
}

}  // namespace rtai::broker
