// OffsetCommit (key 8), versions 0-7. Offsets are kept by the
// GroupCoordinator (in memory); v0 commits, and v1+ commits with generation
// -1 and no member id, are "simple" commits for groups without members.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleOffsetCommit(const HandlerContext& ctx, StructValue request, Respond respond) {
  std::vector<std::pair<GroupCoordinator::TopicPartition, CommittedOffset>> offsets;
  for (const Value& t : request.Array("Topics")) {
    for (const Value& p : t.as_struct().Array("Partitions")) {
      const StructValue& part = p.as_struct();
      offsets.push_back({{t.as_struct().Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex"))},
                         {part.Int("CommittedOffset"), part.Str("CommittedMetadata")}});
    }
  }
  const ErrorCode error = ctx.groups->CommitOffsets(
      request.Str("GroupId"), static_cast<int32_t>(request.Int("GenerationId")),
      request.Str("MemberId"), offsets);
  StructValue response = NewMessage(kOffsetCommitResponse);
  for (const Value& t : request.Array("Topics")) {
    StructValue& out = response.AddStruct("Topics");
    out.SetStr("Name", t.as_struct().Str("Name"));
    for (const Value& p : t.as_struct().Array("Partitions")) {
      StructValue& part = out.AddStruct("Partitions");
      part.SetInt("PartitionIndex", p.as_struct().Int("PartitionIndex"));
      part.SetInt("ErrorCode", Code(error));
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kOffsetCommitHandler{ApiKey::kOffsetCommit, 0, 7, false, &HandleOffsetCommit};

}  // namespace rtai::kafka
