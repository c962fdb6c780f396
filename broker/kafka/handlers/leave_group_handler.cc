// LeaveGroup (key 13), versions 0-2 (one member per request).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleLeaveGroup(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kLeaveGroupResponse);
  response.SetInt("ErrorCode",
                  Code(ctx.groups->Leave(request.Str("GroupId"), request.Str("MemberId"))));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kLeaveGroupHandler{ApiKey::kLeaveGroup, 0, 2, false, &HandleLeaveGroup};

}  // namespace rtai::kafka
