#include "broker/grpc/broker_service.h"

#include <map>

#include "absl/strings/str_cat.h"
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
    return absl::DataLossError(absl::StrCat("partition ", partition,
                                            ": cannot decode stored records: ",
                                            records.status().message()));
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
  return ToGrpcStatus(broker_->CreateTopic(req->name(), req->partitions(), configs));
}

grpc::Status BrokerServiceImpl::DeleteTopic(grpc::ServerContext*,
                                            const v1::DeleteTopicRequest* req,
                                            v1::DeleteTopicResponse*) {
  return ToGrpcStatus(broker_->DeleteTopic(req->name()));
}

grpc::Status BrokerServiceImpl::ListTopics(grpc::ServerContext*,
                                           const v1::ListTopicsRequest*,
                                           v1::ListTopicsResponse* resp) {
  for (std::string& name : broker_->ListTopics()) resp->add_names(std::move(name));
  return grpc::Status::OK;
}

grpc::Status BrokerServiceImpl::DescribeTopic(grpc::ServerContext*,
                                              const v1::DescribeTopicRequest* req,
                                              v1::DescribeTopicResponse* resp) {
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

grpc::Status BrokerServiceImpl::Fetch(grpc::ServerContext*,
                                      const v1::FetchRequest* req,
                                      v1::FetchResponse* resp) {
  if (req->offset() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("fetch offset ", req->offset(), " is negative")));
  }
  if (req->partition() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("partition ", req->partition(), " is negative")));
  }
  if (req->max_bytes() < 0 || req->max_wait_ms() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "fetch max_bytes and max_wait_ms must be >= 0"));
  }
  const int32_t max_bytes = req->max_bytes() == 0
                                ? std::min(1 << 20, limits_.max_fetch_bytes)
                                : std::min(req->max_bytes(), limits_.max_fetch_bytes);
  absl::StatusOr<FetchResult> r =
      FetchAndWait(*broker_, req->topic(), PartitionId(req->partition()),
                   Offset(req->offset()), max_bytes, req->max_wait_ms());
  if (!r.ok()) return ToGrpcStatus(r.status());
  resp->set_high_watermark(r->high_watermark.value());
  resp->set_log_start_offset(r->log_start_offset.value());
  return ToGrpcStatus(AppendFetchedRecords(r->batches, req->partition(),
                                           Offset(req->offset()),
                                           resp->mutable_records()));
}

}  // namespace rtai::broker
