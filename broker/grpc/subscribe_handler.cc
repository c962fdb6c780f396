// BrokerServiceImpl::Subscribe: one long-polling Fetch in flight per
// subscribed partition; whichever answers first is streamed and re-issued.
// The handler wakes at least every second to notice a cancelled call, and
// never spins: it sleeps on a condition until a fetch completes. A
// subscriber that retention overtook continues at the new log start.

#include <deque>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "broker/grpc/broker_service.h"
#include "broker/grpc/grpc_auth.h"
#include "broker/grpc/status_convert.h"

namespace rtai::broker {
namespace {

// Shared with in-flight fetch callbacks, which may outlive the handler.
struct SubscribeState {
  absl::Mutex mu;
  std::deque<std::pair<int32_t, absl::StatusOr<FetchResult>>> ready
      ABSL_GUARDED_BY(mu);
  bool HasReady() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return !ready.empty(); }
};

}  // namespace

grpc::Status BrokerServiceImpl::Subscribe(
    grpc::ServerContext* ctx, const v1::SubscribeRequest* req,
    grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  const std::string& topic = req->topic();
  if (grpc::Status denied =
          CheckTopicAccess(ctx, enforce_topic_access_, auth::Action::kConsume, topic);
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<TopicSummary> summary = broker_->SummarizeTopic(topic);
  if (!summary.ok()) return ToGrpcStatus(summary.status());
  std::set<int32_t> partitions(req->partitions().begin(),
                               req->partitions().end());
  if (partitions.empty()) {
    for (int32_t p = 0; p < summary->partition_count; ++p) partitions.insert(p);
  }
  if (req->start() == v1::SubscribeRequest::OFFSET && req->start_offset() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("start_offset ", req->start_offset(), " is negative")));
  }
  std::map<int32_t, Offset> next;
  for (int32_t p : partitions) {
    absl::StatusOr<PartitionDescription> d =
        broker_->DescribePartition(topic, PartitionId(p));
    if (!d.ok()) return ToGrpcStatus(d.status());
    switch (req->start()) {
      case v1::SubscribeRequest::EARLIEST:
        next[p] = d->log_start_offset;
        break;
      case v1::SubscribeRequest::OFFSET:
        next[p] = Offset(req->start_offset());
        break;
      default:
        next[p] = d->high_watermark;
        break;
    }
  }
  auto state = std::make_shared<SubscribeState>();
  const int32_t max_bytes = std::min(1 << 20, limits_.max_fetch_bytes);
  auto issue = [&](int32_t p) {
    broker_->Fetch(topic, PartitionId(p), next[p], max_bytes,
                   limits_.subscribe_poll_ms,
                   [state, p](absl::StatusOr<FetchResult> r) {
                     absl::MutexLock l(&state->mu);
                     state->ready.emplace_back(p, std::move(r));
                   });
  };
  for (int32_t p : partitions) issue(p);

  while (!ctx->IsCancelled()) {
    std::deque<std::pair<int32_t, absl::StatusOr<FetchResult>>> ready;
    {
      absl::MutexLock l(&state->mu);
      state->mu.AwaitWithTimeout(
          absl::Condition(state.get(), &SubscribeState::HasReady),
          absl::Seconds(1));
      ready.swap(state->ready);
    }
    for (auto& [p, r] : ready) {
      if (!r.ok() && r.status().code() == absl::StatusCode::kOutOfRange) {
        // Retention deleted what this subscriber had not read yet: skip to
        // the new log start (as Kafka's auto.offset.reset=earliest would).
        absl::StatusOr<PartitionDescription> d =
            broker_->DescribePartition(topic, PartitionId(p));
        if (d.ok() && next[p] < d->log_start_offset) {
          next[p] = d->log_start_offset;
          issue(p);
          continue;
        }
      }
      if (!r.ok()) return ToGrpcStatus(r.status());
      v1::SubscribeResponse resp;
      absl::Status s =
          AppendFetchedRecords(r->batches, p, next[p], resp.mutable_records());
      if (!s.ok()) return ToGrpcStatus(s);
      if (resp.records_size() > 0) {
        next[p] = Offset(resp.records(resp.records_size() - 1).offset() + 1);
        if (!writer->Write(resp)) return grpc::Status::OK;  // client went away
      }
      issue(p);
    }
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "subscription cancelled");
}

}  // namespace rtai::broker
