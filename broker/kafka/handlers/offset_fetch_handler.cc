// OffsetFetch (key 9), versions 0-5. A null topic list (v2+) returns every
// committed offset of the group; partitions without a commit report -1.

#include <map>

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleOffsetFetch(const HandlerContext& ctx, StructValue request, Respond respond) {
  std::optional<std::vector<GroupCoordinator::TopicPartition>> wanted;
  if (!request.IsNull("Topics")) {
    wanted.emplace();
    for (const Value& t : request.Array("Topics")) {
      for (const Value& p : t.as_struct().Array("PartitionIndexes")) {
        wanted->emplace_back(t.as_struct().Str("Name"), static_cast<int32_t>(p.as_int()));
      }
    }
  }
  auto offsets = ctx.groups->FetchOffsets(request.Str("GroupId"), wanted);
  // Group by topic, keeping first-seen order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<int32_t, CommittedOffset>>> by_topic;
  for (auto& [tp, committed] : offsets) {
    if (by_topic.count(tp.first) == 0) order.push_back(tp.first);
    by_topic[tp.first].emplace_back(tp.second, std::move(committed));
  }
  StructValue response = NewMessage(kOffsetFetchResponse);
  for (const std::string& topic : order) {
    StructValue& out = response.AddStruct("Topics");
    out.SetStr("Name", topic);
    for (auto& [partition, committed] : by_topic[topic]) {
      StructValue& p = out.AddStruct("Partitions");
      p.SetInt("PartitionIndex", partition);
      p.SetInt("CommittedOffset", committed.offset);
      p.SetStr("Metadata", std::move(committed.metadata));
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kOffsetFetchHandler{ApiKey::kOffsetFetch, 0, 5, false, &HandleOffsetFetch};

}  // namespace rtai::kafka
