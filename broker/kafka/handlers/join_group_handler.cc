// JoinGroup (key 11), versions 0-5. Answered when the group's rebalance
// completes (GroupCoordinator), so the response may come much later; the
// connection keeps answering in request order meanwhile.

#include "broker/kafka/auth/connection_session.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleJoinGroup(const HandlerContext& ctx, StructValue request, Respond respond) {
  JoinGroupRequestData data;
  data.group_id = request.Str("GroupId");
  data.member_id = request.Str("MemberId");
  data.client_id = ctx.client_id;
  // As Kafka reports it: "/" + the member's IP address.
  if (ctx.session != nullptr) data.client_host = "/" + ctx.session->peer_ip();
  data.session_timeout_ms = static_cast<int32_t>(request.Int("SessionTimeoutMs"));
  data.rebalance_timeout_ms = static_cast<int32_t>(request.Int("RebalanceTimeoutMs"));
  data.protocol_type = request.Str("ProtocolType");
  for (Value& p : *request.MutableArray("Protocols")) {
    StructValue* protocol = p.mutable_struct();
    data.protocols.emplace_back(protocol->Str("Name"),
                                std::move(*protocol->MutableStr("Metadata")));
  }
  ctx.groups->Join(std::move(data), [respond = std::move(respond)](JoinGroupResult r) mutable {
    StructValue response = NewMessage(kJoinGroupResponse);
    response.SetInt("ErrorCode", Code(r.error));
    response.SetInt("GenerationId", r.generation);
    response.SetStr("ProtocolName", r.protocol_name);
    response.SetStr("Leader", r.leader);
    response.SetStr("MemberId", r.member_id);
    for (auto& [id, metadata] : r.members) {
      StructValue& m = response.AddStruct("Members");
      m.SetStr("MemberId", id);
      m.SetStr("Metadata", std::move(metadata));
    }
    respond(std::move(response));
  });
}

}  // namespace

const HandlerSpec kJoinGroupHandler{ApiKey::kJoinGroup, 0, 5, false, &HandleJoinGroup};

}  // namespace rtai::kafka
