// Schemas of the transaction APIs: AddPartitionsToTxn (24), AddOffsetsToTxn
// (25), EndTxn (26), TxnOffsetCommit (28). Facts from apache/kafka
// clients/src/main/resources/common/message/*.json; we implement the
// versions below each API's first flexible version (3), which the Debian
// clients use (librdkafka 2.0.2: AddPartitionsToTxn 0, AddOffsetsToTxn 0,
// EndTxn 1, TxnOffsetCommit up to 3 -> 2 here).

#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {
using enum FieldType;

// --- AddPartitionsToTxn: valid 0-2, flexible 3+.
constexpr FieldSpec kAddPartitionsTopic[] = {
    Field("Name", kString, From(0)),
    ArrayOf("Partitions", kInt32, From(0)),
};
constexpr FieldSpec kAddPartitionsToTxnRequestFields[] = {
    Field("TransactionalId", kString, From(0)),
    Field("ProducerId", kInt64, From(0)),
    Field("ProducerEpoch", kInt16, From(0)),
    StructArray("Topics", From(0), kAddPartitionsTopic),
};
constexpr FieldSpec kAddPartitionsPartitionResult[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
};
constexpr FieldSpec kAddPartitionsTopicResult[] = {
    Field("Name", kString, From(0)),
    StructArray("Results", From(0), kAddPartitionsPartitionResult),
};
constexpr FieldSpec kAddPartitionsToTxnResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(0)),
    StructArray("Results", From(0), kAddPartitionsTopicResult),
};

// --- AddOffsetsToTxn: valid 0-2, flexible 3+.
constexpr FieldSpec kAddOffsetsToTxnRequestFields[] = {
    Field("TransactionalId", kString, From(0)),
    Field("ProducerId", kInt64, From(0)),
    Field("ProducerEpoch", kInt16, From(0)),
    Field("GroupId", kString, From(0)),
};
constexpr FieldSpec kErrorOnlyResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
};

// --- EndTxn: valid 0-2, flexible 3+.
constexpr FieldSpec kEndTxnRequestFields[] = {
    Field("TransactionalId", kString, From(0)),
    Field("ProducerId", kInt64, From(0)),
    Field("ProducerEpoch", kInt16, From(0)),
    Field("Committed", kBool, From(0)),
};

// --- TxnOffsetCommit: valid 0-2, flexible 3+ (3 adds the group member).
constexpr FieldSpec kTxnOffsetCommitPartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("CommittedOffset", kInt64, From(0)),
    Field("CommittedLeaderEpoch", kInt32, From(2)).Default(-1),
    Field("CommittedMetadata", kString, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kTxnOffsetCommitTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kTxnOffsetCommitPartition),
};
constexpr FieldSpec kTxnOffsetCommitRequestFields[] = {
    Field("TransactionalId", kString, From(0)),
    Field("GroupId", kString, From(0)),
    Field("ProducerId", kInt64, From(0)),
    Field("ProducerEpoch", kInt16, From(0)),
    StructArray("Topics", From(0), kTxnOffsetCommitTopic),
};
constexpr FieldSpec kTxnOffsetCommitResponsePartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
};
constexpr FieldSpec kTxnOffsetCommitResponseTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kTxnOffsetCommitResponsePartition),
};
constexpr FieldSpec kTxnOffsetCommitResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(0)),
    StructArray("Topics", From(0), kTxnOffsetCommitResponseTopic),
};

}  // namespace

const MessageSpec kAddPartitionsToTxnRequest{"AddPartitionsToTxnRequest", 24, Between(0, 2),
                                             From(3), kAddPartitionsToTxnRequestFields};
const MessageSpec kAddPartitionsToTxnResponse{"AddPartitionsToTxnResponse", 24, Between(0, 2),
                                              From(3), kAddPartitionsToTxnResponseFields};
const MessageSpec kAddOffsetsToTxnRequest{"AddOffsetsToTxnRequest", 25, Between(0, 2), From(3),
                                          kAddOffsetsToTxnRequestFields};
const MessageSpec kAddOffsetsToTxnResponse{"AddOffsetsToTxnResponse", 25, Between(0, 2), From(3),
                                           kErrorOnlyResponseFields};
const MessageSpec kEndTxnRequest{"EndTxnRequest", 26, Between(0, 2), From(3),
                                 kEndTxnRequestFields};
const MessageSpec kEndTxnResponse{"EndTxnResponse", 26, Between(0, 2), From(3),
                                  kErrorOnlyResponseFields};
const MessageSpec kTxnOffsetCommitRequest{"TxnOffsetCommitRequest", 28, Between(0, 2), From(3),
                                          kTxnOffsetCommitRequestFields};
const MessageSpec kTxnOffsetCommitResponse{"TxnOffsetCommitResponse", 28, Between(0, 2), From(3),
                                           kTxnOffsetCommitResponseFields};

}  // namespace rtai::kafka
