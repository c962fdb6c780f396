// InitProducerId (key 22), versions 0-4: gives an idempotent producer a new
// producer id (epoch 0) from the Broker's durable allocator. Transactions
// do not exist yet: a non-null TransactionalId is refused with
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED (a fatal, non-retriable error in
// clients), so a transactional producer fails fast instead of hanging. As in
// Kafka, a v3+ request naming its current producer id and epoch (KIP-360)
// gets a fresh id too: without a transactional id the broker always does.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleInitProducerId(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kInitProducerIdResponse);
  response.SetInt("ProducerId", -1);
  response.SetInt("ProducerEpoch", -1);
  if (!request.IsNull("TransactionalId")) {
    response.SetInt("ErrorCode", Code(ErrorCode::kTransactionalIdAuthorizationFailed));
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
