// Metadata (key 3), versions 0-9. This single node leads every partition.
// Unknown requested topics are created when both the broker
// (auto_create_topics) and the request (AllowAutoTopicCreation, v4+) allow
// it; creation is synchronous, so the answer already describes the topic.
// Blocking (topic creation touches disk): runs on the admin threads.

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void FillTopic(const broker::TopicDescription& desc, StructValue* topic) {
  topic->SetInt("ErrorCode", 0);
  topic->SetStr("Name", desc.name);
  topic->SetInt("IsInternal", desc.name == kOffsetsTopic ? 1 : 0);
  for (const broker::PartitionDescription& p : desc.partitions) {
    StructValue& part = topic->AddStruct("Partitions");
    part.SetInt("PartitionIndex", p.partition.value());
    part.SetInt("LeaderId", p.leader.value());
    part.SetInt("LeaderEpoch", p.leader_epoch.value());
    part.MutableArray("ReplicaNodes")->push_back(Value(int64_t{p.leader.value()}));
    part.MutableArray("IsrNodes")->push_back(Value(int64_t{p.leader.value()}));
  }
}

ErrorCode DescribeOrCreate(const HandlerContext& ctx, const std::string& name, bool may_create,
                           broker::TopicDescription* desc) {
  absl::StatusOr<broker::TopicDescription> d = ctx.broker->DescribeTopic(name);
  if (!d.ok() && d.status().code() == absl::StatusCode::kNotFound && may_create) {
    absl::Status created = ctx.broker->CreateTopic(name, ctx.options->default_partitions, {});
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) {
      return created.code() == absl::StatusCode::kInvalidArgument
                 ? ErrorCode::kInvalidTopicException
                 : ErrorCode::kLeaderNotAvailable;
    }
    d = ctx.broker->DescribeTopic(name);
  }
  if (!d.ok()) {
    return d.status().code() == absl::StatusCode::kNotFound ? ErrorCode::kUnknownTopicOrPartition
                                                            : ErrorCode::kUnknownServerError;
  }
  *desc = *std::move(d);
  return ErrorCode::kNone;
}

void HandleMetadata(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kMetadataResponse);
  const int32_t node = ctx.broker->node_id().value();
  StructValue& broker = response.AddStruct("Brokers");
  broker.SetInt("NodeId", node);
  broker.SetStr("Host", ctx.advertised_host);
  broker.SetInt("Port", ctx.advertised_port);
  response.SetStr("ClusterId", ctx.options->cluster_id);
  response.SetInt("ControllerId", node);

  // v0: an empty list means all topics; v1+: null means all topics.
  const bool all = request.IsNull("Topics") ||
                   (ctx.api_version == 0 && request.Array("Topics").empty());
  std::vector<std::string> names;
  if (all) {
    names = ctx.broker->ListTopics();
  } else {
    for (const Value& t : request.Array("Topics")) names.push_back(t.as_struct().Str("Name"));
  }
  const bool may_create =
      !all && ctx.options->auto_create_topics && request.Int("AllowAutoTopicCreation") != 0;
  for (const std::string& name : names) {
    StructValue& topic = response.AddStruct("Topics");
    broker::TopicDescription desc;
    const ErrorCode error = DescribeOrCreate(ctx, name, may_create, &desc);
    if (error != ErrorCode::kNone) {
      topic.SetInt("ErrorCode", Code(error));
      topic.SetStr("Name", name);
      continue;
    }
    FillTopic(desc, &topic);
  }
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kMetadataHandler{ApiKey::kMetadata, 0, 9, true, &HandleMetadata};

}  // namespace rtai::kafka
