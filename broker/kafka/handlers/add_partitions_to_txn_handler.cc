// AddPartitionsToTxn (key 24), versions 0-2: adds partitions to the
// producer's transaction at the TransactionCoordinator, which persists them
// and arms each partition for the producer's epoch. One error for every
// partition of the request (unknown partitions get
// UNKNOWN_TOPIC_OR_PARTITION, the others OPERATION_NOT_ATTEMPTED, as Kafka).

#include <set>

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

void HandleAddPartitionsToTxn(const HandlerContext& ctx, StructValue request,
                              Respond respond) {
  std::vector<broker::txn::TopicPartition> partitions;
  for (const Value& t : request.Array("Topics")) {
    for (const Value& p : t.as_struct().Array("Partitions")) {
      partitions.emplace_back(t.as_struct().Str("Name"), static_cast<int32_t>(p.as_int()));
    }
  }
  ErrorCode error = ErrorCode::kCoordinatorNotAvailable;
  std::set<broker::txn::TopicPartition> unknown;
  if (broker::txn::TransactionCoordinator* c = ctx.broker->transactions()) {
    for (const auto& tp : partitions) {
      if (tp.first == kOffsetsTopic ||
          !ctx.broker->DescribePartition(tp.first, PartitionId(tp.second)).ok()) {
        unknown.insert(tp);
      }
    }
    if (unknown.empty()) {
      error = TxnErrorCode(
          c->AddPartitions(request.Str("TransactionalId"),
                           {request.Int("ProducerId"),
                            static_cast<int16_t>(request.Int("ProducerEpoch"))},
                           partitions),
          ctx.api_version >= 2);
    }
  }
  StructValue response = NewMessage(kAddPartitionsToTxnResponse);
  for (const Value& t : request.Array("Topics")) {
    StructValue& out = response.AddStruct("Results");
    out.SetStr("Name", t.as_struct().Str("Name"));
    for (const Value& p : t.as_struct().Array("Partitions")) {
      StructValue& r = out.AddStruct("Results");
      r.SetInt("PartitionIndex", p.as_int());
      ErrorCode e = error;
      if (!unknown.empty()) {
        e = unknown.count({t.as_struct().Str("Name"), static_cast<int32_t>(p.as_int())})
                ? ErrorCode::kUnknownTopicOrPartition
                : ErrorCode::kOperationNotAttempted;
      }
      r.SetInt("ErrorCode", Code(e));
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kAddPartitionsToTxnHandler{ApiKey::kAddPartitionsToTxn, 0, 2, true,
                                             &HandleAddPartitionsToTxn};

}  // namespace rtai::kafka
