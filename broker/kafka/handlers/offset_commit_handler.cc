// OffsetCommit (key 8), versions 0-7. The commit is checked by the
// GroupCoordinator, made durable by the OffsetStore (when the server has
// one), then applied and answered. v0 commits, and v1+ commits with
// generation -1 and no member id, are "simple" commits for groups without
// members.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/offset_commit_answer.h"

namespace rtai::kafka {
namespace {

StructValue Answer(const StructValue& request, ErrorCode error) {
  return OffsetCommitAnswer(kOffsetCommitResponse, request, error);
}

void HandleOffsetCommit(const HandlerContext& ctx, StructValue request, Respond respond) {
  std::vector<std::pair<GroupCoordinator::TopicPartition, CommittedOffset>> offsets;
  for (const Value& t : request.Array("Topics")) {
    for (const Value& p : t.as_struct().Array("Partitions")) {
      const StructValue& part = p.as_struct();
      offsets.push_back({{t.as_struct().Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex"))},
                         {part.Int("CommittedOffset"), part.Str("CommittedMetadata")}});
    }
  }
  const std::string group = request.Str("GroupId");
  const int32_t generation = static_cast<int32_t>(request.Int("GenerationId"));
  if (ctx.offset_store == nullptr) {
    const ErrorCode error =
        ctx.groups->CommitOffsets(group, generation, request.Str("MemberId"), offsets);
    return respond(Answer(request, error));
  }
  const ErrorCode error =
      ctx.groups->ValidateCommit(group, generation, request.Str("MemberId"), offsets.size());
  if (error != ErrorCode::kNone) return respond(Answer(request, error));
  ctx.offset_store->Append(
      group, offsets,
      [groups = ctx.groups, group, offsets, request = std::move(request),
       respond = std::move(respond)](absl::Status s) mutable {
        if (s.ok()) groups->ApplyCommit(group, offsets);
        respond(Answer(request, s.ok() ? ErrorCode::kNone : ErrorCode::kCoordinatorNotAvailable));
      });
}

}  // namespace

const HandlerSpec kOffsetCommitHandler{ApiKey::kOffsetCommit, 0, 7, false, &HandleOffsetCommit};

}  // namespace rtai::kafka
