// FindCoordinator (key 10), versions 0-2. This node coordinates every
// consumer group; transaction coordinators (KeyType 1) do not exist yet.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

constexpr int64_t kGroupKey = 0;

void HandleFindCoordinator(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kFindCoordinatorResponse);
  if (request.Int("KeyType") != kGroupKey) {
    response.SetInt("ErrorCode", Code(ErrorCode::kCoordinatorNotAvailable));
    response.SetStr("ErrorMessage", "transactions are not supported");
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
