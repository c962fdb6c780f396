// Schemas of the metadata and admin APIs: Metadata (3), ApiVersions (18),
// CreateTopics (19), DeleteTopics (20), DescribeConfigs (32). Facts from
// apache/kafka clients/src/main/resources/common/message/*.json.

#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {
using enum FieldType;

// --- Metadata: valid 0-9, flexible 9+.
constexpr FieldSpec kMetadataRequestTopic[] = {
    Field("TopicId", kUuid, From(10)),
    Field("Name", kString, From(0)).Nullable(From(10)),
};
constexpr FieldSpec kMetadataRequestFields[] = {
    StructArray("Topics", From(0), kMetadataRequestTopic).Nullable(From(1)),
    Field("AllowAutoTopicCreation", kBool, From(4)).Default(1),
    Field("IncludeClusterAuthorizedOperations", kBool, Between(8, 10)),
    Field("IncludeTopicAuthorizedOperations", kBool, From(8)),
};
constexpr FieldSpec kMetadataBroker[] = {
    Field("NodeId", kInt32, From(0)),
    Field("Host", kString, From(0)),
    Field("Port", kInt32, From(0)),
    Field("Rack", kString, From(1)).Nullable(From(1)).DefaultNull(),
};
constexpr FieldSpec kMetadataPartition[] = {
    Field("ErrorCode", kInt16, From(0)),
    Field("PartitionIndex", kInt32, From(0)),
    Field("LeaderId", kInt32, From(0)),
    Field("LeaderEpoch", kInt32, From(7)).Default(-1),
    ArrayOf("ReplicaNodes", kInt32, From(0)),
    ArrayOf("IsrNodes", kInt32, From(0)),
    ArrayOf("OfflineReplicas", kInt32, From(5)),
};
constexpr FieldSpec kMetadataTopic[] = {
    Field("ErrorCode", kInt16, From(0)),
    Field("Name", kString, From(0)),
    Field("IsInternal", kBool, From(1)),
    StructArray("Partitions", From(0), kMetadataPartition),
    Field("TopicAuthorizedOperations", kInt32, From(8)).Default(INT32_MIN),
};
constexpr FieldSpec kMetadataResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(3)),
    StructArray("Brokers", From(0), kMetadataBroker),
    Field("ClusterId", kString, From(2)).Nullable(From(2)).DefaultNull(),
    Field("ControllerId", kInt32, From(1)).Default(-1),
    StructArray("Topics", From(0), kMetadataTopic),
    Field("ClusterAuthorizedOperations", kInt32, From(8)).Default(INT32_MIN),
};

// --- ApiVersions: valid 0-3, flexible 3+ (the response header stays v0).
constexpr FieldSpec kApiVersionsRequestFields[] = {
    Field("ClientSoftwareName", kString, From(3)),
    Field("ClientSoftwareVersion", kString, From(3)),
};
constexpr FieldSpec kApiVersion[] = {
    Field("ApiKey", kInt16, From(0)),
    Field("MinVersion", kInt16, From(0)),
    Field("MaxVersion", kInt16, From(0)),
};
constexpr FieldSpec kSupportedFeatureKey[] = {
    Field("Name", kString, From(3)),
    Field("MinVersion", kInt16, From(3)),
    Field("MaxVersion", kInt16, From(3)),
};
constexpr FieldSpec kFinalizedFeatureKey[] = {
    Field("Name", kString, From(3)),
    Field("MaxVersionLevel", kInt16, From(3)),
    Field("MinVersionLevel", kInt16, From(3)),
};
constexpr FieldSpec kApiVersionsResponseFields[] = {
    Field("ErrorCode", kInt16, From(0)),
    StructArray("ApiKeys", From(0), kApiVersion),
    Field("ThrottleTimeMs", kInt32, From(1)),
    StructArray("SupportedFeatures", From(3), kSupportedFeatureKey).Tagged(0, From(3)),
    Field("FinalizedFeaturesEpoch", kInt64, From(3)).Default(-1).Tagged(1, From(3)),
    StructArray("FinalizedFeatures", From(3), kFinalizedFeatureKey).Tagged(2, From(3)),
    Field("ZkMigrationReady", kBool, From(3)).Tagged(3, From(3)),
};

// --- CreateTopics: valid 0-4 (5+ is flexible and not implemented yet).
constexpr FieldSpec kCreatableReplicaAssignment[] = {
    Field("PartitionIndex", kInt32, From(0)),
    ArrayOf("BrokerIds", kInt32, From(0)),
};
constexpr FieldSpec kCreateableTopicConfig[] = {
    Field("Name", kString, From(0)),
    Field("Value", kString, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kCreatableTopic[] = {
    Field("Name", kString, From(0)),
    Field("NumPartitions", kInt32, From(0)),
    Field("ReplicationFactor", kInt16, From(0)),
    StructArray("Assignments", From(0), kCreatableReplicaAssignment),
    StructArray("Configs", From(0), kCreateableTopicConfig),
};
constexpr FieldSpec kCreateTopicsRequestFields[] = {
    StructArray("Topics", From(0), kCreatableTopic),
    Field("TimeoutMs", kInt32, From(0)).Default(60000),
    Field("ValidateOnly", kBool, From(1)),
};
constexpr FieldSpec kCreatableTopicResult[] = {
    Field("Name", kString, From(0)),
    Field("ErrorCode", kInt16, From(0)),
    Field("ErrorMessage", kString, From(1)).Nullable(From(0)).DefaultNull(),
};
constexpr FieldSpec kCreateTopicsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(2)),
    StructArray("Topics", From(0), kCreatableTopicResult),
};

// --- DeleteTopics: valid 0-4, flexible 4+.
constexpr FieldSpec kDeleteTopicsRequestFields[] = {
    ArrayOf("TopicNames", kString, Between(0, 5)),
    Field("TimeoutMs", kInt32, From(0)),
};
constexpr FieldSpec kDeletableTopicResult[] = {
    Field("Name", kString, From(0)),
    Field("ErrorCode", kInt16, From(0)),
};
constexpr FieldSpec kDeleteTopicsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    StructArray("Responses", From(0), kDeletableTopicResult),
};

// --- DescribeConfigs: valid 0-2, not flexible.
constexpr FieldSpec kDescribeConfigsResource[] = {
    Field("ResourceType", kInt8, From(0)),
    Field("ResourceName", kString, From(0)),
    ArrayOf("ConfigurationKeys", kString, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kDescribeConfigsRequestFields[] = {
    StructArray("Resources", From(0), kDescribeConfigsResource),
    Field("IncludeSynonyms", kBool, From(1)),
};
constexpr FieldSpec kDescribeConfigsSynonym[] = {
    Field("Name", kString, From(1)),
    Field("Value", kString, From(1)).Nullable(From(0)),
    Field("Source", kInt8, From(1)),
};
constexpr FieldSpec kDescribeConfigsResourceResult[] = {
    Field("Name", kString, From(0)),
    Field("Value", kString, From(0)).Nullable(From(0)),
    Field("ReadOnly", kBool, From(0)),
    Field("IsDefault", kBool, Between(0, 0)),
    Field("ConfigSource", kInt8, From(1)).Default(-1),
    Field("IsSensitive", kBool, From(0)),
    StructArray("Synonyms", From(1), kDescribeConfigsSynonym),
};
constexpr FieldSpec kDescribeConfigsResult[] = {
    Field("ErrorCode", kInt16, From(0)),
    Field("ErrorMessage", kString, From(0)).Nullable(From(0)).DefaultNull(),
    Field("ResourceType", kInt8, From(0)),
    Field("ResourceName", kString, From(0)),
    StructArray("Configs", From(0), kDescribeConfigsResourceResult),
};
constexpr FieldSpec kDescribeConfigsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(0)),
    StructArray("Results", From(0), kDescribeConfigsResult),
};

}  // namespace

const MessageSpec kMetadataRequest{"MetadataRequest", 3, Between(0, 9), From(9),
                                   kMetadataRequestFields};
const MessageSpec kMetadataResponse{"MetadataResponse", 3, Between(0, 9), From(9),
                                    kMetadataResponseFields};
const MessageSpec kApiVersionsRequest{"ApiVersionsRequest", 18, Between(0, 3), From(3),
                                      kApiVersionsRequestFields};
const MessageSpec kApiVersionsResponse{"ApiVersionsResponse", 18, Between(0, 3), From(3),
                                       kApiVersionsResponseFields};
const MessageSpec kCreateTopicsRequest{"CreateTopicsRequest", 19, Between(0, 4), From(5),
                                       kCreateTopicsRequestFields};
const MessageSpec kCreateTopicsResponse{"CreateTopicsResponse", 19, Between(0, 4), From(5),
                                        kCreateTopicsResponseFields};
const MessageSpec kDeleteTopicsRequest{"DeleteTopicsRequest", 20, Between(0, 4), From(4),
                                       kDeleteTopicsRequestFields};
const MessageSpec kDeleteTopicsResponse{"DeleteTopicsResponse", 20, Between(0, 4), From(4),
                                        kDeleteTopicsResponseFields};
const MessageSpec kDescribeConfigsRequest{"DescribeConfigsRequest", 32, Between(0, 2),
                                          kNoVersions, kDescribeConfigsRequestFields};
const MessageSpec kDescribeConfigsResponse{"DescribeConfigsResponse", 32, Between(0, 2),
                                           kNoVersions, kDescribeConfigsResponseFields};

}  // namespace rtai::kafka
