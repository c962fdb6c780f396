// SaslHandshake (key 17), versions 0-1: the client picks a mechanism. v0
// means the SASL tokens that follow are bare frames (handled by the
// connection), v1 that they travel in SaslAuthenticate requests.

#include "broker/kafka/auth/connection_session.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleSaslHandshake(const HandlerContext& ctx, StructValue request,
                         Respond respond) {
  StructValue response = NewMessage(kSaslHandshakeResponse);
  if (ctx.session == nullptr) {
    response.SetInt("ErrorCode", Code(ErrorCode::kUnsupportedSaslMechanism));
    return respond(std::move(response));
  }
  const ErrorCode error = ctx.session->Handshake(
      request.Str("Mechanism"), /*raw_tokens=*/ctx.api_version == 0);
  response.SetInt("ErrorCode", Code(error));
  std::vector<Value>* mechanisms = response.MutableArray("Mechanisms");
  for (std::string& m : ctx.session->mechanisms())
    mechanisms->emplace_back(std::move(m));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kSaslHandshakeHandler{ApiKey::kSaslHandshake, 0, 1, false,
                                        &HandleSaslHandshake};

}  // namespace rtai::kafka
