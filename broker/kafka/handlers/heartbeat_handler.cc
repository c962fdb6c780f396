// Heartbeat (key 12), versions 0-3.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleHeartbeat(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kHeartbeatResponse);
  response.SetInt("ErrorCode",
                  Code(ctx.groups->Heartbeat(request.Str("GroupId"),
                                             static_cast<int32_t>(request.Int("GenerationId")),
                                             request.Str("MemberId"))));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kHeartbeatHandler{ApiKey::kHeartbeat, 0, 3, false, &HandleHeartbeat};

}  // namespace rtai::kafka
