// DescribeConfigs (key 32), versions 0-2. Topics report their explicitly
// set configs (source DYNAMIC_TOPIC_CONFIG) and the broker's log defaults
// for the rest (DEFAULT_CONFIG); brokers report an empty list. No synonyms.
// Blocking (topic metadata): runs on the admin threads.

#include <map>

#include "absl/strings/str_cat.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

constexpr int64_t kTopicResource = 2;
constexpr int64_t kBrokerResource = 4;
constexpr int64_t kSourceTopic = 1;
constexpr int64_t kSourceDefault = 5;

std::map<std::string, std::string> Defaults(const broker::LogConfig& c) {
  return {
      {"segment.bytes", absl::StrCat(c.segment_bytes)},
      {"segment.ms", absl::StrCat(c.segment_ms)},
      {"retention.ms", absl::StrCat(c.retention_ms)},
      {"retention.bytes", absl::StrCat(c.retention_bytes)},
      {"max.message.bytes", absl::StrCat(c.max_message_bytes)},
      {"index.interval.bytes", absl::StrCat(c.index_interval_bytes)},
      {"flush.ms", absl::StrCat(c.flush_interval_ms)},
      {"cleanup.policy", "delete"},
  };
}

void DescribeTopic(const HandlerContext& ctx, const StructValue& in, StructValue* out) {
  absl::StatusOr<broker::TopicDescription> desc = ctx.broker->DescribeTopic(in.Str("ResourceName"));
  if (!desc.ok()) {
    out->SetInt("ErrorCode", Code(ErrorCode::kUnknownTopicOrPartition));
    out->SetStr("ErrorMessage", std::string(desc.status().message()));
    return;
  }
  std::map<std::string, std::string> values = Defaults(ctx.options->log_defaults);
  for (const auto& [k, v] : desc->configs) values[k] = v;
  const bool all = in.IsNull("ConfigurationKeys");
  for (const auto& [name, value] : values) {
    if (!all) {
      bool wanted = false;
      for (const Value& k : in.Array("ConfigurationKeys")) wanted |= k.as_string() == name;
      if (!wanted) continue;
    }
    const bool is_default = desc->configs.count(name) == 0;
    StructValue& c = out->AddStruct("Configs");
    c.SetStr("Name", name);
    c.SetStr("Value", value);
    c.SetInt("IsDefault", is_default ? 1 : 0);
    c.SetInt("ConfigSource", is_default ? kSourceDefault : kSourceTopic);
  }
}

void HandleDescribeConfigs(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kDescribeConfigsResponse);
  for (const Value& r : request.Array("Resources")) {
    const StructValue& in = r.as_struct();
    StructValue& out = response.AddStruct("Results");
    out.SetInt("ResourceType", in.Int("ResourceType"));
    out.SetStr("ResourceName", in.Str("ResourceName"));
    if (in.Int("ResourceType") == kTopicResource) {
      DescribeTopic(ctx, in, &out);
    } else if (in.Int("ResourceType") != kBrokerResource) {
      out.SetInt("ErrorCode", Code(ErrorCode::kInvalidRequest));
      out.SetStr("ErrorMessage", "only TOPIC (2) and BROKER (4) resources are supported");
    }
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kDescribeConfigsHandler{ApiKey::kDescribeConfigs, 0, 2, true,
                                          &HandleDescribeConfigs};

}  // namespace rtai::kafka
