// ListOffsets (key 2), versions 0-6. Timestamp -2 = earliest (log start),
// -1 = latest (high watermark; the last stable offset with IsolationLevel 1,
// read_committed), otherwise the first offset whose batch
// has a timestamp >= the target (Offset -1 when there is none). The
// Timestamp returned with a by-time lookup is -1: the facade reports the
// offset only. Blocking (index lookups may read disk).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;

void ListOne(const HandlerContext& ctx, const std::string& topic, const StructValue& in,
             bool committed, StructValue* out) {
  const PartitionId partition(static_cast<int32_t>(in.Int("PartitionIndex")));
  const int64_t timestamp = in.Int("Timestamp");
  absl::StatusOr<broker::PartitionDescription> desc =
      ctx.broker->DescribePartition(topic, partition);
  if (!desc.ok()) {
    out->SetInt("ErrorCode", Code(ErrorFromStatus(desc.status(), false)));
    return;
  }
  int64_t offset;
  if (timestamp == kEarliest) {
    offset = desc->log_start_offset.value();
  } else if (timestamp == kLatest) {
    offset = committed ? desc->last_stable_offset.value() : desc->high_watermark.value();
  } else {
    absl::StatusOr<Offset> found = ctx.broker->OffsetForTimestamp(topic, partition, timestamp);
    if (!found.ok()) {
      out->SetInt("ErrorCode", Code(ErrorFromStatus(found.status(), false)));
      return;
    }
    offset = *found >= desc->high_watermark ? -1 : found->value();
  }
  out->SetInt("Offset", offset);
  out->SetInt("LeaderEpoch", desc->leader_epoch.value());
  if (offset >= 0) out->MutableArray("OldStyleOffsets")->push_back(Value(offset));
}

void HandleListOffsets(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kListOffsetsResponse);
  for (const Value& t : request.Array("Topics")) {
    const StructValue& topic = t.as_struct();
    StructValue& out_topic = response.AddStruct("Topics");
    out_topic.SetStr("Name", topic.Str("Name"));
    for (const Value& p : topic.Array("Partitions")) {
      StructValue& out = out_topic.AddStruct("Partitions");
      out.SetInt("PartitionIndex", p.as_struct().Int("PartitionIndex"));
      ListOne(ctx, topic.Str("Name"), p.as_struct(), request.Int("IsolationLevel") == 1, &out);
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kListOffsetsHandler{ApiKey::kListOffsets, 0, 6, true, &HandleListOffsets};

}  // namespace rtai::kafka
