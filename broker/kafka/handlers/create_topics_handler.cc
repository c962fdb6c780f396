// CreateTopics (key 19), versions 0-4. NumPartitions -1 means the default;
// ReplicationFactor must be -1 or 1 (single node); manual assignments are
// refused. ValidateOnly checks the request and that the topic does not
// exist yet, without creating it. Blocking: runs on the admin threads.

#include <map>

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

ErrorCode CreateOne(const HandlerContext& ctx, const StructValue& t, bool validate_only,
                    std::string* message) {
  const std::string& name = t.Str("Name");
  int64_t partitions = t.Int("NumPartitions");
  if (partitions == -1) partitions = ctx.options->default_partitions;
  if (partitions <= 0 || partitions > INT32_MAX) {
    *message = "NumPartitions must be positive or -1";
    return ErrorCode::kInvalidPartitions;
  }
  const int64_t replication = t.Int("ReplicationFactor");
  if (replication != -1 && replication != 1) {
    *message = "this single-node broker supports replication factor 1 only";
    return ErrorCode::kInvalidReplicationFactor;
  }
  if (!t.Array("Assignments").empty()) {
    *message = "manual replica assignment is not supported";
    return ErrorCode::kInvalidReplicaAssignment;
  }
  std::map<std::string, std::string> configs;
  for (const Value& c : t.Array("Configs")) {
    if (c.as_struct().IsNull("Value")) continue;  // null: use the default
    configs[c.as_struct().Str("Name")] = c.as_struct().Str("Value");
  }
  if (validate_only) {
    if (ctx.broker->DescribeTopic(name).ok()) {
      *message = "topic already exists";
      return ErrorCode::kTopicAlreadyExists;
    }
    return ErrorCode::kNone;
  }
  absl::Status s = ctx.broker->CreateTopic(name, static_cast<int32_t>(partitions), configs);
  *message = std::string(s.message());
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return ErrorCode::kNone;
    case absl::StatusCode::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case absl::StatusCode::kInvalidArgument:
      return configs.empty() ? ErrorCode::kInvalidTopicException : ErrorCode::kInvalidConfig;
    case absl::StatusCode::kResourceExhausted:
      return ErrorCode::kInvalidPartitions;
    default:
      return ErrorCode::kUnknownServerError;
  }
}

void HandleCreateTopics(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kCreateTopicsResponse);
  const bool validate_only = request.Int("ValidateOnly") != 0;
  for (const Value& t : request.Array("Topics")) {
    StructValue& out = response.AddStruct("Topics");
    out.SetStr("Name", t.as_struct().Str("Name"));
    std::string message;
    const ErrorCode error = CreateOne(ctx, t.as_struct(), validate_only, &message);
    out.SetInt("ErrorCode", Code(error));
    if (error != ErrorCode::kNone) out.SetStr("ErrorMessage", message);
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kCreateTopicsHandler{ApiKey::kCreateTopics, 0, 4, true, &HandleCreateTopics};

}  // namespace rtai::kafka
