// Schemas of the data-path APIs: Produce (0), Fetch (1), ListOffsets (2).
// Facts from apache/kafka clients/src/main/resources/common/message/
// {Produce,Fetch,ListOffsets}{Request,Response}.json.

#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {
using enum FieldType;

// --- Produce: valid 0-8, not flexible below 9.
constexpr FieldSpec kProducePartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("Records", kRecords, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kProduceTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kProducePartition),
};
constexpr FieldSpec kProduceRequestFields[] = {
    Field("TransactionalId", kString, From(3)).Nullable(From(0)).DefaultNull(),
    Field("Acks", kInt16, From(0)),
    Field("TimeoutMs", kInt32, From(0)),
    StructArray("Topics", From(0), kProduceTopic),
};
constexpr FieldSpec kBatchIndexAndErrorMessage[] = {
    Field("BatchIndex", kInt32, From(8)),
    Field("BatchIndexErrorMessage", kString, From(8)).Nullable(From(8)).DefaultNull(),
};
constexpr FieldSpec kProducePartitionResponse[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
    Field("BaseOffset", kInt64, From(0)),
    Field("LogAppendTimeMs", kInt64, From(2)).Default(-1),
    Field("LogStartOffset", kInt64, From(5)).Default(-1),
    StructArray("RecordErrors", From(8), kBatchIndexAndErrorMessage),
    Field("ErrorMessage", kString, From(8)).Nullable(From(8)).DefaultNull(),
};
constexpr FieldSpec kProduceTopicResponse[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kProducePartitionResponse),
};
constexpr FieldSpec kProduceResponseFields[] = {
    StructArray("Responses", From(0), kProduceTopicResponse),
    Field("ThrottleTimeMs", kInt32, From(1)),
};

// --- Fetch: valid 0-11 (12+ is flexible and not implemented yet).
constexpr FieldSpec kFetchPartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("CurrentLeaderEpoch", kInt32, From(9)).Default(-1),
    Field("FetchOffset", kInt64, From(0)),
    Field("LogStartOffset", kInt64, From(5)).Default(-1),
    Field("MaxBytes", kInt32, From(0)),
};
constexpr FieldSpec kFetchTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("FetchPartitions", From(0), kFetchPartition),
};
constexpr FieldSpec kForgottenTopic[] = {
    Field("Name", kString, From(7)),
    ArrayOf("ForgottenPartitionIndexes", kInt32, From(7)),
};
constexpr FieldSpec kFetchRequestFields[] = {
    Field("ReplicaId", kInt32, From(0)),
    Field("MaxWait", kInt32, From(0)),
    Field("MinBytes", kInt32, From(0)),
    Field("MaxBytes", kInt32, From(3)).Default(0x7fffffff),
    Field("IsolationLevel", kInt8, From(4)),
    Field("SessionId", kInt32, From(7)),
    Field("Epoch", kInt32, From(7)).Default(-1),
    StructArray("Topics", From(0), kFetchTopic),
    StructArray("Forgotten", From(7), kForgottenTopic),
    Field("RackId", kString, From(11)),
};
constexpr FieldSpec kAbortedTransaction[] = {
    Field("ProducerId", kInt64, From(4)),
    Field("FirstOffset", kInt64, From(4)),
};
constexpr FieldSpec kLeaderIdAndEpoch[] = {
    Field("LeaderId", kInt32, From(12)).Default(-1),
    Field("LeaderEpoch", kInt32, From(12)).Default(-1),
};
constexpr FieldSpec kFetchPartitionResponse[] = {
    Field("Partition", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
    Field("HighWatermark", kInt64, From(0)),
    Field("LastStableOffset", kInt64, From(4)).Default(-1),
    Field("LogStartOffset", kInt64, From(5)).Default(-1),
    Field("TruncationOffset", kInt64, From(12)).Default(-1).Tagged(0, From(12)),
    NestedStruct("CurrentLeader", From(12), kLeaderIdAndEpoch).Tagged(1, From(12)),
    StructArray("AbortedTransactions", From(4), kAbortedTransaction).Nullable(From(4)),
    Field("PreferredReadReplica", kInt32, From(11)).Default(-1),
    Field("RecordSet", kRecords, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kFetchTopicResponse[] = {
    Field("Topic", kString, From(0)),
    StructArray("PartitionResponses", From(0), kFetchPartitionResponse),
};
constexpr FieldSpec kFetchResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    Field("ErrorCode", kInt16, From(7)),
    Field("SessionId", kInt32, From(7)),
    StructArray("Responses", From(0), kFetchTopicResponse),
};

// --- ListOffsets: valid 0-6, flexible 6+.
constexpr FieldSpec kListOffsetsPartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("CurrentLeaderEpoch", kInt32, From(4)).Default(-1),
    Field("Timestamp", kInt64, From(0)),
    Field("MaxNumOffsets", kInt32, Between(0, 0)).Default(1),
};
constexpr FieldSpec kListOffsetsTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kListOffsetsPartition),
};
constexpr FieldSpec kListOffsetsRequestFields[] = {
    Field("ReplicaId", kInt32, From(0)),
    Field("IsolationLevel", kInt8, From(2)),
    StructArray("Topics", From(0), kListOffsetsTopic),
};
constexpr FieldSpec kListOffsetsPartitionResponse[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
    ArrayOf("OldStyleOffsets", kInt64, Between(0, 0)),
    Field("Timestamp", kInt64, From(1)).Default(-1),
    Field("Offset", kInt64, From(1)).Default(-1),
    Field("LeaderEpoch", kInt32, From(4)).Default(-1),
};
constexpr FieldSpec kListOffsetsTopicResponse[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kListOffsetsPartitionResponse),
};
constexpr FieldSpec kListOffsetsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(2)),
    StructArray("Topics", From(0), kListOffsetsTopicResponse),
};

}  // namespace

const MessageSpec kProduceRequest{"ProduceRequest", 0, Between(0, 8), kNoVersions,
                                  kProduceRequestFields};
const MessageSpec kProduceResponse{"ProduceResponse", 0, Between(0, 8), kNoVersions,
                                   kProduceResponseFields};
const MessageSpec kFetchRequest{"FetchRequest", 1, Between(0, 11), From(12),
                                kFetchRequestFields};
const MessageSpec kFetchResponse{"FetchResponse", 1, Between(0, 11), From(12),
                                 kFetchResponseFields};
const MessageSpec kListOffsetsRequest{"ListOffsetsRequest", 2, Between(0, 6), From(6),
                                      kListOffsetsRequestFields};
const MessageSpec kListOffsetsResponse{"ListOffsetsResponse", 2, Between(0, 6), From(6),
                                       kListOffsetsResponseFields};

}  // namespace rtai::kafka

// --- InitProducerId (22): valid 0-4, flexible 2+. Idempotent producers
// only; see handlers/init_producer_id_handler.cc.
namespace rtai::kafka {
namespace {
using enum FieldType;
constexpr FieldSpec kInitProducerIdRequestFields[] = {
    Field("TransactionalId", kString, From(0)).Nullable(From(0)),
    Field("TransactionTimeoutMs", kInt32, From(0)),
    Field("ProducerId", kInt64, From(3)).Default(-1),
    Field("ProducerEpoch", kInt16, From(3)).Default(-1),
};
constexpr FieldSpec kInitProducerIdResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
    Field("ProducerId", kInt64, From(0)).Default(-1),
    Field("ProducerEpoch", kInt16, From(0)),
};
}  // namespace

const MessageSpec kInitProducerIdRequest{"InitProducerIdRequest", 22, Between(0, 4), From(2),
                                         kInitProducerIdRequestFields};
const MessageSpec kInitProducerIdResponse{"InitProducerIdResponse", 22, Between(0, 4), From(2),
                                          kInitProducerIdResponseFields};

}  // namespace rtai::kafka
