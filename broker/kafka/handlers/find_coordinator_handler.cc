// FindCoordinator (key 10), versions 0-2. This node coordinates every
// consumer group (KeyType 0) and, when its broker has a transaction
// coordinator, every transactional id (KeyType 1).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

constexpr int64_t kGroupKey = 0;
constexpr int64_t kTransactionKey = 1;

void HandleFindCoordinator(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kFindCoordinatorResponse);
  const int64_t key_type = request.Int("KeyType");
  const bool known = key_type == kGroupKey ||
                     (key_type == kTransactionKey && ctx.broker->transactions() != nullptr);
  if (!known) {
    response.SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    response.SetStr("ErrorMessage", key_type == kTransactionKey
                                        ? "this broker has no transaction coordinator"
                                        : "unknown coordinator key type");
    response.SetInt("NodeId", -1);
  } else {
    response.SetInt("NodeId", ctx.broker->node_id().value());
    response.SetStr("Host", ctx.advertised_host);
    response.SetInt("Port", ctx.advertised_port);
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kFindCoordinatorHandler{ApiKey::kFindCoordinator, 0, 2, false,
                                          &HandleFindCoordinator};

}  // namespace rtai::kafka
