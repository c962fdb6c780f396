// ApiVersions (key 18), versions 0-3. The unsupported-version answer (error
// 35 in a v0 response) is produced by the request processor, which sees
// the version before any handler does.

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleApiVersions(const HandlerContext& ctx, StructValue request, Respond respond) {
  StructValue response = NewMessage(kApiVersionsResponse);
  FillApiKeys(&response);
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kApiVersionsHandler{ApiKey::kApiVersions, 0, 3, false, &HandleApiVersions};

}  // namespace rtai::kafka
