// AddPartitionsToTxn (key 24), versions 0-2: adds partitions to the
// producer's transaction at the TransactionCoordinator, which persists them
// and arms each partition for the producer's epoch. One error for every
// partition of the request (unknown partitions get
// UNKNOWN_TOPIC_OR_PARTITION, the others OPERATION_NOT_ATTEMPTED, as Kafka).
//
// Runs on the coordinator's request threads (TransactionCoordinator::
// Schedule), not on the Kafka server's admin thread: the call waits for an
// fsync, which concurrent producers' calls share (group commit).

#include <memory>
#include <set>

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

StructValue AddPartitionsResponse(const StructValue& request, ErrorCode error,
                                  const std::set<broker::txn::TopicPartition>& unknown) {
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
  return response;
}

// The blocking part, on a coordinator request thread.
StructValue AddPartitions(const HandlerContext& ctx, broker::txn::TransactionCoordinator* c,
                          const StructValue& request) {
  std::vector<broker::txn::TopicPartition> partitions;
  for (const Value& t : request.Array("Topics")) {
    for (const Value& p : t.as_struct().Array("Partitions")) {
      partitions.emplace_back(t.as_struct().Str("Name"), static_cast<int32_t>(p.as_int()));
    }
  }
  std::set<broker::txn::TopicPartition> unknown;
  for (const auto& tp : partitions) {
    if (tp.first == kOffsetsTopic ||
        !ctx.broker->DescribePartition(tp.first, PartitionId(tp.second)).ok()) {
      unknown.insert(tp);
    }
  }
  ErrorCode error = ErrorCode::kNone;
  if (unknown.empty()) {
    error = TxnErrorCode(
        c->AddPartitions(request.Str("TransactionalId"),
                         {request.Int("ProducerId"),
                          static_cast<int16_t>(request.Int("ProducerEpoch"))},
                         partitions),
        ctx.api_version >= 2);
  }
  return AddPartitionsResponse(request, error, unknown);
}

void HandleAddPartitionsToTxn(const HandlerContext& ctx, StructValue request,
                              Respond respond) {
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr) {
    return respond(AddPartitionsResponse(request, ErrorCode::kCoordinatorNotAvailable, {}));
  }
  auto answer = std::make_shared<Respond>(std::move(respond));
  auto shared_request = std::make_shared<const StructValue>(std::move(request));
  const bool queued = c->Schedule([ctx, c, answer, shared_request] {
    (*answer)(AddPartitions(ctx, c, *shared_request));
  });
  // Too many coordinator calls waiting: retriable.
  if (!queued) {
    (*answer)(
        AddPartitionsResponse(*shared_request, ErrorCode::kCoordinatorNotAvailable, {}));
  }
}

}  // namespace

const HandlerSpec kAddPartitionsToTxnHandler{ApiKey::kAddPartitionsToTxn, 0, 2,
                                             /*blocking=*/false, &HandleAddPartitionsToTxn};

}  // namespace rtai::kafka
