// DeleteTopics (key 20), versions 0-4 (by name). The internal
// __consumer_offsets topic cannot be deleted (INVALID_TOPIC_EXCEPTION).
// Blocking: runs on the admin threads.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleDeleteTopics(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kDeleteTopicsResponse);
  for (const Value& name : request.Array("TopicNames")) {
    StructValue& out = response.AddStruct("Responses");
    const std::string topic = name.is_null() ? std::string() : name.as_string();
    out.SetStr("Name", topic);
    if (topic == kOffsetsTopic) {
      out.SetInt("ErrorCode", Code(ErrorCode::kInvalidTopicException));
      continue;
    }
    absl::Status s = ctx.broker->DeleteTopic(topic);
    out.SetInt("ErrorCode", Code(s.ok() ? ErrorCode::kNone : ErrorFromStatus(s, false)));
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kDeleteTopicsHandler{ApiKey::kDeleteTopics, 0, 4, true, &HandleDeleteTopics};

}  // namespace rtai::kafka
