// BrokerServiceImpl::Produce (gRPC callback API: no thread waits for the
// fsync; the last batch's completion answers the call): routes records to
// partitions (explicit, Kafka murmur2 by key, or round-robin), builds one Kafka
// v2 batch per partition run (split to stay under max.message.bytes), appends
// them all concurrently and answers with each record's partition and offset.

#include <atomic>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "broker/grpc/grpc_auth.h"
#include "absl/synchronization/notification.h"
#include "base/status_macros.h"
#include "broker/grpc/broker_service.h"
#include "broker/grpc/partitioner.h"
#include "broker/grpc/status_convert.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {
namespace {

int64_t EstimateRecordBytes(const v1::Record& r) {
  int64_t n = 36 + r.key().size() + r.value().size();
  for (const v1::Header& h : r.headers())
    n += 10 + h.key().size() + h.value().size();
  return n;
}

absl::StatusOr<Acks> ToAcks(v1::Acks acks) {
  switch (acks) {
    case v1::ACKS_ALL:
      return Acks::kAll;
    case v1::ACKS_LEADER:
      return Acks::kLeader;
    case v1::ACKS_NONE:
      return Acks::kNone;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown acks value ", acks));
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

absl::StatusOr<std::vector<PendingBatch>> BrokerServiceImpl::PlanBatches(
    const v1::ProduceRequest& req, const TopicSummary& topic) {
  const int32_t count = topic.partition_count;
  if (req.has_partition() &&
      (req.partition() < 0 || req.partition() >= count)) {
    return absl::NotFoundError(
        absl::StrCat("topic \"", req.topic(), "\" has no partition ",
                     req.partition(), " (it has ", count, ")"));
  }
  const int64_t batch_limit =
      std::min<int64_t>(limits_.batch_bytes_target, topic.max_message_bytes);
  std::vector<PendingBatch> batches;
  absl::flat_hash_map<int32_t, size_t> open;  // partition -> batch being filled
  for (int i = 0; i < req.records_size(); ++i) {
    const v1::Record& r = req.records(i);
    const int64_t size = EstimateRecordBytes(r);
    if (size + PendingBatch::kBatchOverhead > topic.max_message_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record ", i, " is about ", size, " bytes; topic \"", req.topic(),
          "\" accepts batches up to max.message.bytes=",
          topic.max_message_bytes));
    }
    int32_t p;
    if (req.has_partition()) {
      p = req.partition();
    } else if (r.has_key()) {
      p = KafkaPartitionForKey(r.key(), count);
    } else {
      p = static_cast<int32_t>(round_robin_.fetch_add(1) % count);
    }
    auto it = open.find(p);
    if (it == open.end() ||
        batches[it->second].estimated_bytes + size > batch_limit) {
      batches.push_back(PendingBatch{p, {}, PendingBatch::kBatchOverhead});
      it = open.insert_or_assign(p, batches.size() - 1).first;
    }
    batches[it->second].indices.push_back(i);
    batches[it->second].estimated_bytes += size;
  }
  return batches;
}

namespace {

// One Produce call in flight: shared by the per-batch callbacks (which run on
// broker disk threads); the last one to finish answers the call.
struct ProduceCall {
  grpc::ServerUnaryReactor* reactor = nullptr;
  v1::ProduceResponse* resp = nullptr;  // valid until reactor->Finish
  int record_count = 0;
  std::vector<PendingBatch> batches;
  std::vector<absl::StatusOr<AppendInfo>> results;
  std::atomic<size_t> remaining{0};

  // Fills the response from every batch's result and finishes the call.
  void Answer() {
    for (const absl::StatusOr<AppendInfo>& r : results) {
      if (!r.ok()) return reactor->Finish(ToGrpcStatus(r.status()));
    }
    auto* positions = resp->mutable_positions();
    positions->Reserve(record_count);
    for (int i = 0; i < record_count; ++i) positions->Add();
    for (size_t b = 0; b < batches.size(); ++b) {
      const int64_t base = results[b]->base_offset.value();
      const PendingBatch& batch = batches[b];
      for (size_t j = 0; j < batch.indices.size(); ++j) {
        v1::RecordPosition& pos = (*positions)[batch.indices[j]];
        pos.set_partition(batch.partition);
        pos.set_offset(base < 0 ? -1 : base + static_cast<int64_t>(j));
      }
    }
    reactor->Finish(grpc::Status::OK);
  }
};

}  // namespace

absl::StatusOr<std::vector<PendingBatch>> BrokerServiceImpl::CheckProduce(
    const v1::ProduceRequest& req, Acks* acks) {
  const int n = req.records_size();
  if (n == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "produce request for topic \"", req.topic(), "\" has no records"));
  }
  if (n > limits_.max_records_per_produce) {
    return absl::InvalidArgumentError(
        absl::StrCat("produce request has ", n, " records; the limit is ",
                     limits_.max_records_per_produce));
  }
  ASSIGN_OR_RETURN(*acks, ToAcks(req.acks()));
  ASSIGN_OR_RETURN(TopicSummary topic, broker_->SummarizeTopic(req.topic()));
  return PlanBatches(req, topic);
}

grpc::ServerUnaryReactor* BrokerServiceImpl::Produce(
    grpc::CallbackServerContext* ctx, const v1::ProduceRequest* req,
    v1::ProduceResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (grpc::Status denied = CheckTopicAccess(ctx, enforce_topic_access_, auth::Action::kProduce,
                                             req->topic());
      !denied.ok()) {
    reactor->Finish(denied);
    return reactor;
  }
  Acks acks = Acks::kAll;
  absl::StatusOr<std::vector<PendingBatch>> batches = CheckProduce(*req, &acks);
  if (!batches.ok()) {
    reactor->Finish(ToGrpcStatus(batches.status()));
    return reactor;
  }
  auto call = std::make_shared<ProduceCall>();
  call->reactor = reactor;
  call->resp = resp;
  call->record_count = req->records_size();
  call->batches = *std::move(batches);
  call->results.resize(call->batches.size());
  call->remaining = call->batches.size();
  const int64_t now_ms = clock_->NowMillis();
  for (size_t b = 0; b < call->batches.size(); ++b) {
    const PendingBatch& batch = call->batches[b];
    std::vector<Record> records;
    records.reserve(batch.indices.size());
    for (int i : batch.indices)
      records.push_back(ToRecord(req->records(i), now_ms));
    broker_->Produce(
        req->topic(), PartitionId(batch.partition), BuildRecordBatch(records),
        acks, [call, b](absl::StatusOr<AppendInfo> r) {
          call->results[b] = std::move(r);
          // acq_rel: the last callback sees every result.
          if (call->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            call->Answer();
          }
        });
  }
  return reactor;
}

}  // namespace rtai::broker
