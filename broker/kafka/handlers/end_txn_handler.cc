// EndTxn (key 26), versions 0-2: commits or aborts the producer's
// transaction; answers once the markers are durable in every partition
// (and transactional consumer offsets are applied on commit).
//
// Runs on the coordinator's request threads (TransactionCoordinator::
// Schedule), not on the Kafka server's admin thread: the call waits for
// fsyncs, and concurrent EndTxns of different producers must wait together
// so that they share them (group commit).

#include <memory>

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

StructValue EndTxnResponse(ErrorCode error) {
  StructValue response = NewMessage(kEndTxnResponse);
  response.SetInt("ErrorCode", Code(error));
  return response;
}

void HandleEndTxn(const HandlerContext& ctx, StructValue request, Respond respond) {
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr) return respond(EndTxnResponse(ErrorCode::kCoordinatorNotAvailable));
  auto answer = std::make_shared<Respond>(std::move(respond));
  const bool v2 = ctx.api_version >= 2;
  const bool queued = c->Schedule([c, v2, answer, request = std::move(request)] {
    const absl::Status s = c->EndTransaction(
        request.Str("TransactionalId"),
        {request.Int("ProducerId"), static_cast<int16_t>(request.Int("ProducerEpoch"))},
        request.Int("Committed") != 0);
    (*answer)(EndTxnResponse(TxnErrorCode(s, v2)));
  });
  // Too many coordinator calls waiting: retriable.
  if (!queued) (*answer)(EndTxnResponse(ErrorCode::kCoordinatorNotAvailable));
}

}  // namespace

const HandlerSpec kEndTxnHandler{ApiKey::kEndTxn, 0, 2, /*blocking=*/false, &HandleEndTxn};

}  // namespace rtai::kafka
