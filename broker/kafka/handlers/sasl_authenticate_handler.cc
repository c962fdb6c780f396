// SaslAuthenticate (key 36), versions 0-2: one SASL token each way. On
// failure the answer carries SASL_AUTHENTICATION_FAILED and a message; the
// connection sends it after the failed-login delay and closes.

#include "broker/kafka/auth/connection_session.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

void HandleSaslAuthenticate(const HandlerContext& ctx, StructValue request,
                            Respond respond) {
  StructValue response = NewMessage(kSaslAuthenticateResponse);
  if (ctx.session == nullptr) {
    response.SetInt("ErrorCode", Code(ErrorCode::kIllegalSaslState));
    response.SetStr("ErrorMessage", "SASL is not enabled on this listener");
    return respond(std::move(response));
  }
  ConnectionSession::Step step =
      ctx.session->Authenticate(request.Str("AuthBytes"));
  response.SetInt("ErrorCode", Code(step.error));
  if (step.error == ErrorCode::kNone) {
    response.SetNull("ErrorMessage");
  } else {
    response.SetStr("ErrorMessage", std::move(step.message));
  }
  response.SetStr("AuthBytes", std::move(step.bytes));
  respond(std::move(response));
}

}  // namespace

const HandlerSpec kSaslAuthenticateHandler{ApiKey::kSaslAuthenticate, 0, 2,
                                           false, &HandleSaslAuthenticate};

}  // namespace rtai::kafka
