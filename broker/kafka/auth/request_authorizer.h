#pragma once
// Kafka request authorization for an authenticated principal (deny by
// default; roles in base/auth/authorizer.h):
//   Produce                      produce:TOPIC per topic
//   Fetch, OffsetCommit/Fetch    consume:TOPIC per topic
//   ListOffsets, Metadata        any role naming the topic
//   CreateTopics, DeleteTopics   admin (each decision audited)
//   InitProducerId               any produce role
//   FindCoordinator, Join/Sync/Heartbeat/LeaveGroup,
//   Describe/ListGroups          some consume role (else
//                                GROUP_AUTHORIZATION_FAILED, 30)
//   DescribeConfigs, ApiVersions, SASL: any principal
//   every other API              admin only (MayUseApi: the connection closes)
// Denied topics are taken out of the request before the handler runs and
// come back in the response with TOPIC_AUTHORIZATION_FAILED (29); a
// request with nothing left is answered without running the handler.
//
// Thread-safe (stateless); runs on the connection's strand.

#include <cstdint>

#include "base/auth/audit_log.h"
#include "base/auth/principal_store.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {

enum class AuthzOutcome {
  kProceed,   // run the handler with `*request`; `*respond` adds denials
  kAnswered,  // `*respond` was called; do not run the handler
};

// False when `principal` may not use API `api_key` at all (the connection
// is then closed, as Kafka does for unauthorized cluster actions it cannot
// express in the response).
bool MayUseApi(const auth::Principal& principal, int16_t api_key);

// `audit` may be nullptr.
AuthzOutcome AuthorizeRequest(const auth::Principal& principal, int16_t api_key,
                              int16_t version, StructValue* request,
                              Respond* respond, auth::AuditLog* audit);

}  // namespace rtai::kafka
