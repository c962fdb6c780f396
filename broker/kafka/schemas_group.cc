// Schemas of the consumer-group APIs: OffsetCommit (8), OffsetFetch (9),
// FindCoordinator (10), JoinGroup (11), Heartbeat (12), LeaveGroup (13),
// SyncGroup (14), DescribeGroups (15), ListGroups (16). Facts from apache/kafka
// clients/src/main/resources/common/message/*.json; we implement the
// versions below each API's first flexible version.

#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {
using enum FieldType;

// --- OffsetCommit: valid 0-7 (flexible 8+).
constexpr FieldSpec kOffsetCommitPartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("CommittedOffset", kInt64, From(0)),
    Field("CommittedLeaderEpoch", kInt32, From(6)).Default(-1),
    Field("CommitTimestamp", kInt64, Between(1, 1)).Default(-1),
    Field("CommittedMetadata", kString, From(0)).Nullable(From(0)),
};
constexpr FieldSpec kOffsetCommitTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kOffsetCommitPartition),
};
constexpr FieldSpec kOffsetCommitRequestFields[] = {
    Field("GroupId", kString, From(0)),
    Field("GenerationId", kInt32, From(1)).Default(-1),
    Field("MemberId", kString, From(1)),
    Field("GroupInstanceId", kString, From(7)).Nullable(From(7)).DefaultNull(),
    Field("RetentionTimeMs", kInt64, Between(2, 4)).Default(-1),
    StructArray("Topics", From(0), kOffsetCommitTopic),
};
constexpr FieldSpec kOffsetCommitResponsePartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("ErrorCode", kInt16, From(0)),
};
constexpr FieldSpec kOffsetCommitResponseTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kOffsetCommitResponsePartition),
};
constexpr FieldSpec kOffsetCommitResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(3)),
    StructArray("Topics", From(0), kOffsetCommitResponseTopic),
};

// --- OffsetFetch: valid 0-5 (flexible 6+).
constexpr FieldSpec kOffsetFetchTopic[] = {
    Field("Name", kString, From(0)),
    ArrayOf("PartitionIndexes", kInt32, From(0)),
};
constexpr FieldSpec kOffsetFetchRequestFields[] = {
    Field("GroupId", kString, From(0)),
    StructArray("Topics", From(0), kOffsetFetchTopic).Nullable(From(2)),
};
constexpr FieldSpec kOffsetFetchResponsePartition[] = {
    Field("PartitionIndex", kInt32, From(0)),
    Field("CommittedOffset", kInt64, From(0)),
    Field("CommittedLeaderEpoch", kInt32, From(5)).Default(-1),
    Field("Metadata", kString, From(0)).Nullable(From(0)),
    Field("ErrorCode", kInt16, From(0)),
};
constexpr FieldSpec kOffsetFetchResponseTopic[] = {
    Field("Name", kString, From(0)),
    StructArray("Partitions", From(0), kOffsetFetchResponsePartition),
};
constexpr FieldSpec kOffsetFetchResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(3)),
    StructArray("Topics", From(0), kOffsetFetchResponseTopic),
    Field("ErrorCode", kInt16, From(2)),
};

// --- FindCoordinator: valid 0-2 (flexible 3+).
constexpr FieldSpec kFindCoordinatorRequestFields[] = {
    Field("Key", kString, From(0)),
    Field("KeyType", kInt8, From(1)),
};
constexpr FieldSpec kFindCoordinatorResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    Field("ErrorCode", kInt16, From(0)),
    Field("ErrorMessage", kString, From(1)).Nullable(From(1)).DefaultNull(),
    Field("NodeId", kInt32, From(0)),
    Field("Host", kString, From(0)),
    Field("Port", kInt32, From(0)),
};

// --- JoinGroup: valid 0-5 (flexible 6+).
constexpr FieldSpec kJoinGroupProtocol[] = {
    Field("Name", kString, From(0)),
    Field("Metadata", kBytes, From(0)),
};
constexpr FieldSpec kJoinGroupRequestFields[] = {
    Field("GroupId", kString, From(0)),
    Field("SessionTimeoutMs", kInt32, From(0)),
    Field("RebalanceTimeoutMs", kInt32, From(1)).Default(-1),
    Field("MemberId", kString, From(0)),
    Field("GroupInstanceId", kString, From(5)).Nullable(From(5)).DefaultNull(),
    Field("ProtocolType", kString, From(0)),
    StructArray("Protocols", From(0), kJoinGroupProtocol),
};
constexpr FieldSpec kJoinGroupMember[] = {
    Field("MemberId", kString, From(0)),
    Field("GroupInstanceId", kString, From(5)).Nullable(From(5)).DefaultNull(),
    Field("Metadata", kBytes, From(0)),
};
constexpr FieldSpec kJoinGroupResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(2)),
    Field("ErrorCode", kInt16, From(0)),
    Field("GenerationId", kInt32, From(0)).Default(-1),
    Field("ProtocolName", kString, From(0)),
    Field("Leader", kString, From(0)),
    Field("MemberId", kString, From(0)),
    StructArray("Members", From(0), kJoinGroupMember),
};

// --- Heartbeat: valid 0-3 (flexible 4+).
constexpr FieldSpec kHeartbeatRequestFields[] = {
    Field("GroupId", kString, From(0)),
    Field("GenerationId", kInt32, From(0)),
    Field("MemberId", kString, From(0)),
    Field("GroupInstanceId", kString, From(3)).Nullable(From(3)).DefaultNull(),
};
constexpr FieldSpec kThrottleAndError[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    Field("ErrorCode", kInt16, From(0)),
};

// --- LeaveGroup: valid 0-2 (3+ batches members; flexible 4+).
constexpr FieldSpec kLeaveGroupRequestFields[] = {
    Field("GroupId", kString, From(0)),
    Field("MemberId", kString, Between(0, 2)),
};

// --- SyncGroup: valid 0-3 (flexible 4+).
constexpr FieldSpec kSyncGroupAssignment[] = {
    Field("MemberId", kString, From(0)),
    Field("Assignment", kBytes, From(0)),
};
constexpr FieldSpec kSyncGroupRequestFields[] = {
    Field("GroupId", kString, From(0)),
    Field("GenerationId", kInt32, From(0)),
    Field("MemberId", kString, From(0)),
    Field("GroupInstanceId", kString, From(3)).Nullable(From(3)).DefaultNull(),
    StructArray("Assignments", From(0), kSyncGroupAssignment),
};
constexpr FieldSpec kSyncGroupResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    Field("ErrorCode", kInt16, From(0)),
    Field("Assignment", kBytes, From(0)),
};

// --- DescribeGroups: valid 0-4 (flexible 5+).
constexpr FieldSpec kDescribeGroupsRequestFields[] = {
    ArrayOf("Groups", kString, From(0)),
    Field("IncludeAuthorizedOperations", kBool, From(3)),
};
constexpr FieldSpec kDescribedGroupMember[] = {
    Field("MemberId", kString, From(0)),
    Field("GroupInstanceId", kString, From(4)).Nullable(From(4)).DefaultNull(),
    Field("ClientId", kString, From(0)),
    Field("ClientHost", kString, From(0)),
    Field("MemberMetadata", kBytes, From(0)),
    Field("MemberAssignment", kBytes, From(0)),
};
constexpr FieldSpec kDescribedGroup[] = {
    Field("ErrorCode", kInt16, From(0)),
    Field("GroupId", kString, From(0)),
    Field("GroupState", kString, From(0)),
    Field("ProtocolType", kString, From(0)),
    Field("ProtocolData", kString, From(0)),
    StructArray("Members", From(0), kDescribedGroupMember),
    Field("AuthorizedOperations", kInt32, From(3)).Default(-2147483648LL),
};
constexpr FieldSpec kDescribeGroupsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    StructArray("Groups", From(0), kDescribedGroup),
};

// --- ListGroups: valid 0-2 (flexible 3+; 4 adds a states filter).
constexpr FieldSpec kListedGroup[] = {
    Field("GroupId", kString, From(0)),
    Field("ProtocolType", kString, From(0)),
};
constexpr FieldSpec kListGroupsResponseFields[] = {
    Field("ThrottleTimeMs", kInt32, From(1)),
    Field("ErrorCode", kInt16, From(0)),
    StructArray("Groups", From(0), kListedGroup),
};

}  // namespace

const MessageSpec kDescribeGroupsRequest{"DescribeGroupsRequest", 15, Between(0, 4), From(5),
                                         kDescribeGroupsRequestFields};
const MessageSpec kDescribeGroupsResponse{"DescribeGroupsResponse", 15, Between(0, 4), From(5),
                                          kDescribeGroupsResponseFields};
const MessageSpec kListGroupsRequest{"ListGroupsRequest", 16, Between(0, 2), From(3), Fields{}};
const MessageSpec kListGroupsResponse{"ListGroupsResponse", 16, Between(0, 2), From(3),
                                      kListGroupsResponseFields};
const MessageSpec kOffsetCommitRequest{"OffsetCommitRequest", 8, Between(0, 7), From(8),
                                       kOffsetCommitRequestFields};
const MessageSpec kOffsetCommitResponse{"OffsetCommitResponse", 8, Between(0, 7), From(8),
                                        kOffsetCommitResponseFields};
const MessageSpec kOffsetFetchRequest{"OffsetFetchRequest", 9, Between(0, 5), From(6),
                                      kOffsetFetchRequestFields};
const MessageSpec kOffsetFetchResponse{"OffsetFetchResponse", 9, Between(0, 5), From(6),
                                       kOffsetFetchResponseFields};
const MessageSpec kFindCoordinatorRequest{"FindCoordinatorRequest", 10, Between(0, 2), From(3),
                                          kFindCoordinatorRequestFields};
const MessageSpec kFindCoordinatorResponse{"FindCoordinatorResponse", 10, Between(0, 2), From(3),
                                           kFindCoordinatorResponseFields};
const MessageSpec kJoinGroupRequest{"JoinGroupRequest", 11, Between(0, 5), From(6),
                                    kJoinGroupRequestFields};
const MessageSpec kJoinGroupResponse{"JoinGroupResponse", 11, Between(0, 5), From(6),
                                     kJoinGroupResponseFields};
const MessageSpec kHeartbeatRequest{"HeartbeatRequest", 12, Between(0, 3), From(4),
                                    kHeartbeatRequestFields};
const MessageSpec kHeartbeatResponse{"HeartbeatResponse", 12, Between(0, 3), From(4),
                                     kThrottleAndError};
const MessageSpec kLeaveGroupRequest{"LeaveGroupRequest", 13, Between(0, 2), From(4),
                                     kLeaveGroupRequestFields};
const MessageSpec kLeaveGroupResponse{"LeaveGroupResponse", 13, Between(0, 2), From(4),
                                      kThrottleAndError};
const MessageSpec kSyncGroupRequest{"SyncGroupRequest", 14, Between(0, 3), From(4),
                                    kSyncGroupRequestFields};
const MessageSpec kSyncGroupResponse{"SyncGroupResponse", 14, Between(0, 3), From(4),
                                     kSyncGroupResponseFields};

}  // namespace rtai::kafka
