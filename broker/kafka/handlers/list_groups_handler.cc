// ListGroups (key 16), versions 0-2: every group the coordinator knows.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleListGroups(const HandlerContext& ctx, StructValue /*request*/, Respond respond) {
  StructValue response = NewMessage(kListGroupsResponse);
  for (GroupListing& g : ctx.groups->ListGroups()) {
    StructValue& listed = response.AddStruct("Groups");
    listed.SetStr("GroupId", std::move(g.group_id));
    listed.SetStr("ProtocolType", std::move(g.protocol_type));
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kListGroupsHandler{ApiKey::kListGroups, 0, 2, false, &HandleListGroups};

}  // namespace rtai::kafka
