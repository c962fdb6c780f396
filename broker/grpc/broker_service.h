#pragma once
// BrokerServiceImpl: the gRPC BrokerService (proto/broker.proto) over a
// Broker. Produce and Fetch use gRPC's callback API (answered when the
// Broker's async call completes: no thread waits for an fsync or a long
// poll); the other methods are sync handlers. Errors are the Broker's
// absl::Status codes, mapped 1:1 to gRPC codes (see proto/broker.proto for what
// each means to the caller).
//
// Thread-safe. `broker` and `clock` must outlive the service.

#include <atomic>
#include <cstdint>
#include <vector>

#include "base/clock.h"
#include "broker/core/broker.h"
#include "proto/broker.grpc.pb.h"

namespace rtai::broker {

struct BrokerServiceLimits {
  // Largest gRPC message either way. Default: 16 MiB (bytes).
  int32_t max_message_bytes = 16 << 20;
  // Records in one Produce request. Default: 100000.
  int32_t max_records_per_produce = 100000;
  // Target size of one record batch built from a Produce request; large
  // requests are split into several batches per partition. Default: 1 MiB.
  int32_t batch_bytes_target = 1 << 20;
  // Cap on FetchRequest.max_bytes (the response must fit in a message).
  // Default: 4 MiB (bytes).
  int32_t max_fetch_bytes = 4 << 20;
  // Subscribe long-poll per partition round. Default: 500 (ms).
  int64_t subscribe_poll_ms = 500;
};

// Records of one Produce request bound for one batch of one partition.
struct PendingBatch {
  // v2 batch header size; record size estimates are upper bounds.
  static constexpr int64_t kBatchOverhead = 61;
  int32_t partition = 0;
  std::vector<int> indices;  // into the request's records, in order
  int64_t estimated_bytes = kBatchOverhead;
};

class BrokerServiceImpl final
    : public v1::BrokerService::WithCallbackMethod_Produce<
          v1::BrokerService::WithCallbackMethod_Fetch<
              v1::BrokerService::Service>> {
 public:
  BrokerServiceImpl(Broker* broker, Clock* clock,
                    BrokerServiceLimits limits = {})
      : broker_(broker), clock_(clock), limits_(limits) {}

  grpc::Status CreateTopic(grpc::ServerContext*, const v1::CreateTopicRequest*,
                           v1::CreateTopicResponse*) override;
  grpc::Status DeleteTopic(grpc::ServerContext*, const v1::DeleteTopicRequest*,
                           v1::DeleteTopicResponse*) override;
  grpc::Status ListTopics(grpc::ServerContext*, const v1::ListTopicsRequest*,
                          v1::ListTopicsResponse*) override;
  grpc::Status DescribeTopic(grpc::ServerContext*,
                             const v1::DescribeTopicRequest*,
                             v1::DescribeTopicResponse*) override;
  // Callback API: answered from a broker thread once every batch is acked.
  grpc::ServerUnaryReactor* Produce(grpc::CallbackServerContext* ctx,
                                    const v1::ProduceRequest* req,
                                    v1::ProduceResponse* resp) override;
  // Callback API: answered from the broker's fetch callback (long polls
  // park in the Broker, not on a thread).
  grpc::ServerUnaryReactor* Fetch(grpc::CallbackServerContext* ctx,
                                  const v1::FetchRequest* req,
                                  v1::FetchResponse* resp) override;
  grpc::Status Subscribe(grpc::ServerContext*, const v1::SubscribeRequest*,
                         grpc::ServerWriter<v1::SubscribeResponse>*) override;

  const BrokerServiceLimits& limits() const { return limits_; }
  // With gRPC authentication on: Produce, Fetch, Subscribe, DescribeTopic
  // and ListTopics are checked per topic against the caller's roles
  // (grpc_auth.h). Call before serving.
  void EnforceTopicAccess(bool enforce) { enforce_topic_access_ = enforce; }

 private:
  // Routes each record to a partition (explicit, Kafka murmur2 by key, or
  // round-robin) and groups runs into batches under max.message.bytes.
  // Validates a Produce request and plans its batches; sets *acks.
  absl::StatusOr<std::vector<PendingBatch>> CheckProduce(
      const v1::ProduceRequest& req, Acks* acks);
  absl::StatusOr<std::vector<PendingBatch>> PlanBatches(
      const v1::ProduceRequest& req, const TopicSummary& topic);

  bool enforce_topic_access_ = false;
  Broker* const broker_;
  Clock* const clock_;
  const BrokerServiceLimits limits_;
  // Spreads unkeyed records round-robin.
  std::atomic<uint32_t> round_robin_{0};
};

// Appends the records of `batches` (as Broker::Fetch returns them) with
// offset >= `from` to `out`. kDataLoss / kInvalidArgument on corrupt data.
absl::Status AppendFetchedRecords(
    const std::string& batches, int32_t partition, Offset from,
    google::protobuf::RepeatedPtrField<v1::FetchedRecord>* out);

}  // namespace rtai::broker
