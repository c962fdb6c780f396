// EndTxn (key 26), versions 0-2: commits or aborts the producer's
// transaction; answers once the markers are durable in every partition
// (and transactional consumer offsets are applied on commit).

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

void HandleEndTxn(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kEndTxnResponse);
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr) {
    response.SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    return respond(std::move(response));
  }
  const absl::Status s = c->EndTransaction(
      request.Str("TransactionalId"),
      {request.Int("ProducerId"), static_cast<int16_t>(request.Int("ProducerEpoch"))},
      request.Int("Committed") != 0);
  response.SetInt("ErrorCode", Code(TxnErrorCode(s, ctx.api_version >= 2)));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kEndTxnHandler{ApiKey::kEndTxn, 0, 2, true, &HandleEndTxn};

}  // namespace rtai::kafka
