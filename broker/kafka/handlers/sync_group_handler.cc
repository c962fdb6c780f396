// SyncGroup (key 14), versions 0-3. The leader's request carries every
// member's assignment; the others wait for it (GroupCoordinator).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleSyncGroup(const HandlerContext& ctx, StructValue request, Respond respond) {
  std::vector<std::pair<std::string, std::string>> assignments;
  for (Value& a : *request.MutableArray("Assignments")) {
    StructValue* s = a.mutable_struct();
    assignments.emplace_back(s->Str("MemberId"), std::move(*s->MutableStr("Assignment")));
  }
  ctx.groups->Sync(request.Str("GroupId"), static_cast<int32_t>(request.Int("GenerationId")),
                   request.Str("MemberId"), std::move(assignments),
                   [respond = std::move(respond)](SyncGroupResult r) mutable {
                     StructValue response = NewMessage(kSyncGroupResponse);
                     response.SetInt("ErrorCode", Code(r.error));
                     response.SetStr("Assignment", std::move(r.assignment));
                     respond(std::move(response));
                   });
}

}  // namespace

const HandlerSpec kSyncGroupHandler{ApiKey::kSyncGroup, 0, 3, false, &HandleSyncGroup};

}  // namespace rtai::kafka
