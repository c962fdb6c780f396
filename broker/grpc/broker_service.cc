#include "broker/grpc/broker_service.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "broker/grpc/grpc_auth.h"
#include "broker/grpc/status_convert.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

absl::Status AppendFetchedRecords(
    const std::string& batches, int32_t partition, Offset from,
    google::protobuf::RepeatedPtrField<v1::FetchedRecord>* out) {
  absl::StatusOr<std::vector<Record>> records = DecodeRecordBatches(batches);
  if (!records.ok()) {
    // Data the log served passed its CRC check; a decode failure here means
    // corruption inside the batch.
    return absl::DataLossError(absl::StrCat(
        "partition ", partition,
        ": cannot decode stored records: ", records.status().message()));
  }
  for (Record& r : *records) {
    if (r.offset < from) continue;  // the first batch may start before `from`
    v1::FetchedRecord* f = out->Add();
    f->set_partition(partition);
    f->set_offset(r.offset.value());
    if (r.key) f->set_key(std::move(*r.key));
    if (r.value) f->set_value(std::move(*r.value));
    f->set_timestamp_ms(r.timestamp_ms);
    for (RecordHeader& h : r.headers) {
      v1::Header* ph = f->add_headers();
      ph->set_key(std::move(h.key));
      if (h.value) ph->set_value(std::move(*h.value));
    }
  }
  return absl::OkStatus();
}

grpc::Status BrokerServiceImpl::CreateTopic(grpc::ServerContext*,
                                            const v1::CreateTopicRequest* req,
                                            v1::CreateTopicResponse*) {
  std::map<std::string, std::string> configs(req->configs().begin(),
                                             req->configs().end());
  return ToGrpcStatus(
      broker_->CreateTopic(req->name(), req->partitions(), configs));
}

grpc::Status BrokerServiceImpl::DeleteTopic(grpc::ServerContext*,
                                            const v1::DeleteTopicRequest* req,
                                            v1::DeleteTopicResponse*) {
  return ToGrpcStatus(broker_->DeleteTopic(req->name()));
}

grpc::Status BrokerServiceImpl::ListTopics(grpc::ServerContext* ctx,
                                           const v1::ListTopicsRequest*,
                                           v1::ListTopicsResponse* resp) {
  for (std::string& name : broker_->ListTopics()) {
    // With authentication on, only topics the caller has a role for.
    if (!CheckTopicAccess(ctx, enforce_topic_access_, auth::Action::kDescribeTopic, name).ok()) {
      continue;
    }
    resp->add_names(std::move(name));
  }
  return grpc::Status::OK;
}

grpc::Status BrokerServiceImpl::DescribeTopic(
    grpc::ServerContext* ctx, const v1::DescribeTopicRequest* req,
    v1::DescribeTopicResponse* resp) {
  if (grpc::Status denied = CheckTopicAccess(ctx, enforce_topic_access_,
                                             auth::Action::kDescribeTopic, req->name());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<TopicDescription> d = broker_->DescribeTopic(req->name());
  if (!d.ok()) return ToGrpcStatus(d.status());
  resp->set_name(d->name);
  resp->set_topic_id(d->topic_id);
  for (const auto& [k, v] : d->configs) (*resp->mutable_configs())[k] = v;
  for (const PartitionDescription& p : d->partitions) {
    v1::PartitionInfo* info = resp->add_partitions();
    info->set_partition(p.partition.value());
    info->set_leader(p.leader.value());
    info->set_leader_epoch(p.leader_epoch.value());
    info->set_log_start_offset(p.log_start_offset.value());
    info->set_log_end_offset(p.log_end_offset.value());
    info->set_high_watermark(p.high_watermark.value());
    info->set_size_bytes(p.size_bytes);
    info->set_segment_count(p.segment_count);
  }
  return grpc::Status::OK;
}

namespace {

// One Fetch call. Answered once, by whichever comes first: the Broker's
// fetch callback (data, timeout, error) or gRPC cancelling the call (client
// gone, or server shutdown past its grace period, which would otherwise wait
// for a long poll to time out). Deletes itself in OnDone.
class FetchCall final : public grpc::ServerUnaryReactor {
 public:
  // Outlives the call: the Broker may answer after OnDone.
  struct Link {
    absl::Mutex mu;
    FetchCall* call ABSL_GUARDED_BY(mu) = nullptr;
  };

  FetchCall(const v1::FetchRequest* req, v1::FetchResponse* resp)
      : req_(req), resp_(resp), link_(std::make_shared<Link>()) {
    absl::MutexLock l(&link_->mu);
    link_->call = this;
  }
  std::shared_ptr<Link> link() const { return link_; }

  static void Answer(const std::shared_ptr<Link>& link,
                     absl::StatusOr<FetchResult> r) {
    FetchCall* call = Claim(link);
    if (call == nullptr) return;  // already cancelled
    if (!r.ok()) return call->Finish(ToGrpcStatus(r.status()));
    call->resp_->set_high_watermark(r->high_watermark.value());
    call->resp_->set_log_start_offset(r->log_start_offset.value());
    call->Finish(ToGrpcStatus(AppendFetchedRecords(
        r->batches, call->req_->partition(), Offset(call->req_->offset()),
        call->resp_->mutable_records())));
  }
  void FinishNow(const grpc::Status& status) {
    if (Claim(link_) != nullptr) Finish(status);
  }
  void OnCancel() override {
    FinishNow(grpc::Status(grpc::StatusCode::CANCELLED, "fetch cancelled"));
  }
  void OnDone() override {
    {
      absl::MutexLock l(&link_->mu);
      link_->call = nullptr;
    }
    delete this;
  }

 private:
  // The one caller that gets non-null may Finish; OnDone cannot run before.
  static FetchCall* Claim(const std::shared_ptr<Link>& link) {
    absl::MutexLock l(&link->mu);
    FetchCall* call = link->call;
    if (call == nullptr || call->claimed_) return nullptr;
    call->claimed_ = true;
    return call;
  }

  const v1::FetchRequest* const req_;
  v1::FetchResponse* const resp_;
  const std::shared_ptr<Link> link_;
  bool claimed_ = false;  // guarded by link_->mu
};

absl::Status CheckFetch(const v1::FetchRequest& req) {
  if (req.offset() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("fetch offset ", req.offset(), " is negative"));
  }
  if (req.partition() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", req.partition(), " is negative"));
  }
  if (req.max_bytes() < 0 || req.max_wait_ms() < 0) {
    return absl::InvalidArgumentError(
        "fetch max_bytes and max_wait_ms must be >= 0");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* BrokerServiceImpl::Fetch(grpc::CallbackServerContext* ctx,
                                                   const v1::FetchRequest* req,
                                                   v1::FetchResponse* resp) {
  auto* call = new FetchCall(req, resp);
  if (grpc::Status denied = CheckTopicAccess(ctx, enforce_topic_access_, auth::Action::kConsume,
                                             req->topic());
      !denied.ok()) {
    call->FinishNow(denied);
    return call;
  }
  if (absl::Status bad = CheckFetch(*req); !bad.ok()) {
    call->FinishNow(ToGrpcStatus(bad));
    return call;
  }
  const int32_t max_bytes =
      req->max_bytes() == 0
          ? std::min(1 << 20, limits_.max_fetch_bytes)
          : std::min(req->max_bytes(), limits_.max_fetch_bytes);
  // A parked long poll holds no thread; the Broker answers through `link`.
  broker_->Fetch(req->topic(), PartitionId(req->partition()),
                 Offset(req->offset()), max_bytes, req->max_wait_ms(),
                 [link = call->link()](absl::StatusOr<FetchResult> r) {
                   FetchCall::Answer(link, std::move(r));
                 });
  return call;
}

}  // namespace rtai::broker
