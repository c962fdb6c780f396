// AddOffsetsToTxn (key 25), versions 0-2: adds the consumer-offsets
// partition (__consumer_offsets-0, this node's only one) to the producer's
// transaction, so the TxnOffsetCommit that follows is decided by the
// transaction's marker. Without an offset store (offsets in memory only)
// the transaction is begun with no partition added.

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

void HandleAddOffsetsToTxn(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kAddOffsetsToTxnResponse);
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr) {
    response.SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    return respond(std::move(response));
  }
  std::vector<broker::txn::TopicPartition> partitions;
  if (ctx.offset_store != nullptr) partitions.emplace_back(kOffsetsTopic, 0);
  const absl::Status s = c->AddPartitions(
      request.Str("TransactionalId"),
      {request.Int("ProducerId"), static_cast<int16_t>(request.Int("ProducerEpoch"))},
      partitions);
  response.SetInt("ErrorCode", Code(TxnErrorCode(s, ctx.api_version >= 2)));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kAddOffsetsToTxnHandler{ApiKey::kAddOffsetsToTxn, 0, 2, true,
                                          &HandleAddOffsetsToTxn};

}  // namespace rtai::kafka
