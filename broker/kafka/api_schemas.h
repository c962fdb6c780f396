#pragma once
// The request and response schemas of every API this broker implements,
// transcribed from apache/kafka's message JSON files. `valid` is the range
// we implement (it may be narrower than Kafka's); `flexible` is Kafka's.

#include <cstdint>

#include "broker/kafka/schema.h"

namespace rtai::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kInitProducerId = 22,
  kDescribeConfigs = 32,
  kSaslAuthenticate = 36,
};

struct ApiSchema {
  const MessageSpec* request;
  const MessageSpec* response;
};

// The schema pair for `key`, or nullptr if this broker does not know it.
const ApiSchema* FindApiSchema(int16_t key);

extern const MessageSpec kProduceRequest, kProduceResponse;
extern const MessageSpec kFetchRequest, kFetchResponse;
extern const MessageSpec kListOffsetsRequest, kListOffsetsResponse;
extern const MessageSpec kMetadataRequest, kMetadataResponse;
extern const MessageSpec kApiVersionsRequest, kApiVersionsResponse;
extern const MessageSpec kCreateTopicsRequest, kCreateTopicsResponse;
extern const MessageSpec kDeleteTopicsRequest, kDeleteTopicsResponse;
extern const MessageSpec kDescribeConfigsRequest, kDescribeConfigsResponse;
extern const MessageSpec kOffsetCommitRequest, kOffsetCommitResponse;
extern const MessageSpec kOffsetFetchRequest, kOffsetFetchResponse;
extern const MessageSpec kFindCoordinatorRequest, kFindCoordinatorResponse;
extern const MessageSpec kJoinGroupRequest, kJoinGroupResponse;
extern const MessageSpec kHeartbeatRequest, kHeartbeatResponse;
extern const MessageSpec kLeaveGroupRequest, kLeaveGroupResponse;
extern const MessageSpec kSyncGroupRequest, kSyncGroupResponse;
extern const MessageSpec kDescribeGroupsRequest, kDescribeGroupsResponse;
extern const MessageSpec kListGroupsRequest, kListGroupsResponse;
extern const MessageSpec kInitProducerIdRequest, kInitProducerIdResponse;
extern const MessageSpec kSaslHandshakeRequest, kSaslHandshakeResponse;
extern const MessageSpec kSaslAuthenticateRequest, kSaslAuthenticateResponse;

}  // namespace rtai::kafka
