// InitProducerId (key 22), versions 0-4. Without a TransactionalId: a new
// idempotent producer id (epoch 0) from the Broker's durable allocator; as
// in Kafka, a v3+ request naming its current producer id and epoch
// (KIP-360) gets a fresh id too. With a TransactionalId: the transaction
// coordinator's id and epoch for it (bumping the epoch fences earlier
// incarnations and aborts their open transaction; docs/TRANSACTIONS.md).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

void InitTransactional(const HandlerContext& ctx, const StructValue& request,
                       StructValue* response) {
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr) {
    response->SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    return;
  }
  broker::txn::ProducerIdAndEpoch expected{request.Int("ProducerId"),
                                           static_cast<int16_t>(request.Int("ProducerEpoch"))};
  absl::StatusOr<broker::txn::ProducerIdAndEpoch> pe =
      c->InitProducerId(request.Str("TransactionalId"),
                        static_cast<int32_t>(request.Int("TransactionTimeoutMs")), expected);
  if (!pe.ok()) {
    response->SetInt("ErrorCode", Code(TxnErrorCode(pe.status(), ctx.api_version >= 4)));
    return;
  }
  response->SetInt("ProducerId", pe->producer_id);
  response->SetInt("ProducerEpoch", pe->producer_epoch);
}

void HandleInitProducerId(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kInitProducerIdResponse);
  response.SetInt("ProducerId", -1);
  response.SetInt("ProducerEpoch", -1);
  if (!request.IsNull("TransactionalId")) {
    InitTransactional(ctx, request, &response);
    return respond(std::move(response));
  }
  absl::StatusOr<int64_t> id = ctx.broker->AllocateProducerId();
  if (!id.ok()) {
    // Retriable for clients: the allocator may recover (e.g. disk space).
    response.SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    return respond(std::move(response));
  }
  response.SetInt("ProducerId", *id);
  response.SetInt("ProducerEpoch", 0);
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kInitProducerIdHandler{ApiKey::kInitProducerId, 0, 4, true,
                                         &HandleInitProducerId};

}  // namespace rtai::kafka
