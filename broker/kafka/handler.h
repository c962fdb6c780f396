#pragma once
// Handler: one Kafka API. Each handler file defines one HandlerSpec naming
// its API key and the versions it implements (always from 0: librdkafka
// disables features when old versions are missing) and a function that
// turns a decoded request into a response.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "broker/core/broker.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/kafka/group/offset_store.h"
#include "broker/kafka/kafka_server_options.h"
#include "broker/kafka/value.h"

namespace rtai::kafka {

class ConnectionSession;  // auth/connection_session.h

// What a handler may use. Cheap to copy; handlers that complete
// asynchronously copy it into their callbacks.
struct HandlerContext {
  broker::Broker* broker = nullptr;  // outlives every request
  GroupCoordinator* groups = nullptr;  // outlives every request
  OffsetStore* offset_store = nullptr;  // nullptr: commits stay in memory
  std::shared_ptr<const KafkaServerOptions> options;
  std::string advertised_host;
  int32_t advertised_port = 0;
  int16_t api_version = 0;
  std::string client_id;  // from the request header ("" when null)
  // The connection's authentication state, for the SASL handlers (which are
  // non-blocking: the pointer is valid only during the handle() call, on
  // the connection's strand). nullptr when the request does not come from
  // a connection (tests, fuzzer).
  ConnectionSession* session = nullptr;
};

// Called exactly once, from any thread, with the response, or nullopt when
// the protocol wants no response (Produce with acks=0).
using Respond = absl::AnyInvocable<void(std::optional<StructValue>)>;

struct HandlerSpec {
  ApiKey key;
  int16_t min_version;
  int16_t max_version;
  // True when the handler may block on disk (topic creation, index
  // lookups): the server runs it on its admin threads, never on an io thread.
  bool blocking;
  void (*handle)(const HandlerContext& ctx, StructValue request, Respond respond);
};

// Every implemented API, ordered by key.
std::span<const HandlerSpec* const> AllHandlers();
// The handler for `key`, or nullptr.
const HandlerSpec* FindHandler(int16_t key);

extern const HandlerSpec kApiVersionsHandler;
extern const HandlerSpec kMetadataHandler;
extern const HandlerSpec kProduceHandler;
extern const HandlerSpec kFetchHandler;
extern const HandlerSpec kListOffsetsHandler;
extern const HandlerSpec kCreateTopicsHandler;
extern const HandlerSpec kDeleteTopicsHandler;
extern const HandlerSpec kDescribeConfigsHandler;
extern const HandlerSpec kFindCoordinatorHandler;
extern const HandlerSpec kJoinGroupHandler;
extern const HandlerSpec kSyncGroupHandler;
extern const HandlerSpec kDescribeGroupsHandler;
extern const HandlerSpec kListGroupsHandler;
extern const HandlerSpec kHeartbeatHandler;
extern const HandlerSpec kLeaveGroupHandler;
extern const HandlerSpec kOffsetCommitHandler;
extern const HandlerSpec kOffsetFetchHandler;
extern const HandlerSpec kInitProducerIdHandler;
extern const HandlerSpec kSaslHandshakeHandler;
extern const HandlerSpec kSaslAuthenticateHandler;

// Fills an ApiVersionsResponse's ApiKeys from AllHandlers().
void FillApiKeys(StructValue* response);

}  // namespace rtai::kafka
