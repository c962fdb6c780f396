#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {

const ApiSchema* FindApiSchema(int16_t key) {
  static const ApiSchema kAll[] = {
      {&kProduceRequest, &kProduceResponse},
      {&kFetchRequest, &kFetchResponse},
      {&kListOffsetsRequest, &kListOffsetsResponse},
      {&kMetadataRequest, &kMetadataResponse},
      {&kOffsetCommitRequest, &kOffsetCommitResponse},
      {&kOffsetFetchRequest, &kOffsetFetchResponse},
      {&kFindCoordinatorRequest, &kFindCoordinatorResponse},
      {&kJoinGroupRequest, &kJoinGroupResponse},
      {&kHeartbeatRequest, &kHeartbeatResponse},
      {&kLeaveGroupRequest, &kLeaveGroupResponse},
      {&kSyncGroupRequest, &kSyncGroupResponse},
      {&kDescribeGroupsRequest, &kDescribeGroupsResponse},
      {&kListGroupsRequest, &kListGroupsResponse},
      {&kApiVersionsRequest, &kApiVersionsResponse},
      {&kCreateTopicsRequest, &kCreateTopicsResponse},
      {&kDeleteTopicsRequest, &kDeleteTopicsResponse},
      {&kInitProducerIdRequest, &kInitProducerIdResponse},
      {&kDescribeConfigsRequest, &kDescribeConfigsResponse},
      {&kSaslHandshakeRequest, &kSaslHandshakeResponse},
      {&kSaslAuthenticateRequest, &kSaslAuthenticateResponse},
  };
  for (const ApiSchema& api : kAll) {
    if (api.request->api_key == key) return &api;
  }
  return nullptr;
}

}  // namespace rtai::kafka
