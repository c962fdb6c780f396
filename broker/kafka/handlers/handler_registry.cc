#include <array>

#include "broker/kafka/handler.h"

namespace rtai::kafka {

std::span<const HandlerSpec* const> AllHandlers() {
  static const std::array<const HandlerSpec*, 20> kAll = {
      &kProduceHandler,      &kFetchHandler,          &kListOffsetsHandler,
      &kMetadataHandler,     &kOffsetCommitHandler,   &kOffsetFetchHandler,
      &kFindCoordinatorHandler, &kJoinGroupHandler,   &kHeartbeatHandler,
      &kLeaveGroupHandler,   &kSyncGroupHandler,      &kDescribeGroupsHandler,
      &kListGroupsHandler,   &kApiVersionsHandler,
      &kCreateTopicsHandler, &kDeleteTopicsHandler,   &kInitProducerIdHandler,
      &kDescribeConfigsHandler,
      &kSaslHandshakeHandler, &kSaslAuthenticateHandler,
  };
  return kAll;
}

const HandlerSpec* FindHandler(int16_t key) {
  for (const HandlerSpec* h : AllHandlers()) {
    if (static_cast<int16_t>(h->key) == key) return h;
  }
  return nullptr;
}

void FillApiKeys(StructValue* response) {
  for (const HandlerSpec* h : AllHandlers()) {
    StructValue& api = response->AddStruct("ApiKeys");
    api.SetInt("ApiKey", static_cast<int16_t>(h->key));
    api.SetInt("MinVersion", h->min_version);
    api.SetInt("MaxVersion", h->max_version);
  }
}

}  // namespace rtai::kafka
