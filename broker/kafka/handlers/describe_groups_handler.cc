// DescribeGroups (key 15), versions 0-4: state, protocol and members of each
// requested group. Unknown groups are reported in state "Dead" with no
// members and no error, as Kafka does. Authorized operations are not
// computed (no ACLs): the field keeps its "not provided" default.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleDescribeGroups(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kDescribeGroupsResponse);
  for (const Value& id : request.Array("Groups")) {
    GroupDescription d = ctx.groups->DescribeGroup(id.as_string());
    StructValue& group = response.AddStruct("Groups");
    group.SetStr("GroupId", std::move(d.group_id));
    group.SetStr("GroupState", std::move(d.state));
    group.SetStr("ProtocolType", std::move(d.protocol_type));
    group.SetStr("ProtocolData", std::move(d.protocol_name));
    for (GroupMemberDescription& m : d.members) {
      StructValue& member = group.AddStruct("Members");
      member.SetStr("MemberId", std::move(m.member_id));
      member.SetStr("ClientId", std::move(m.client_id));
      member.SetStr("ClientHost", std::move(m.client_host));
      member.SetStr("MemberMetadata", std::move(m.metadata));
      member.SetStr("MemberAssignment", std::move(m.assignment));
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kDescribeGroupsHandler{ApiKey::kDescribeGroups, 0, 4, false,
                                         &HandleDescribeGroups};

}  // namespace rtai::kafka
