#include "broker/kafka/auth/connection_session.h"

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {

ConnectionSession::ConnectionSession(const KafkaSecurityOptions* options,
                                     LoginThrottle* throttle,
                                     std::string peer_ip,
                                     std::string tls_principal,
                                     auth::RandomBytes random)
    : options_(options),
      throttle_(throttle),
      peer_ip_(std::move(peer_ip)),
      random_(std::move(random)) {
  if (!options_->authentication_enabled()) {
    principal_.emplace();  // anonymous, unrestricted (authorization is off)
    principal_->name = "ANONYMOUS";
  } else if (!options_->sasl_enabled && !tls_principal.empty()) {
    // Mutual TLS alone: the certificate's CN is the principal.
    (void)options_->principals->Refresh();
    std::shared_ptr<const auth::PrincipalStore> store =
        options_->principals->Get();
    const auth::Principal* p = store->Find(tls_principal);
    principal_.emplace(p != nullptr ? *p : auth::Principal{tls_principal, {}});
  }
}

bool ConnectionSession::MayProcess(int16_t api_key) const {
  if (authenticated()) return true;
  return api_key == static_cast<int16_t>(ApiKey::kApiVersions) ||
         api_key == static_cast<int16_t>(ApiKey::kSaslHandshake) ||
         api_key == static_cast<int16_t>(ApiKey::kSaslAuthenticate);
}

int32_t ConnectionSession::MaxRequestBytes(int32_t authenticated_max) const {
  return authenticated()
             ? authenticated_max
             : std::min(authenticated_max, options_->max_preauth_request_bytes);
}

ErrorCode ConnectionSession::Handshake(std::string_view mechanism,
                                       bool raw_tokens) {
  if (!options_->sasl_enabled) return ErrorCode::kUnsupportedSaslMechanism;
  if (authenticated() || exchange_ != Exchange::kNone)
    return ErrorCode::kIllegalSaslState;
  bool offered = false;
  for (const std::string& m : options_->sasl_mechanisms)
    offered |= (m == mechanism);
  if (!offered) return ErrorCode::kUnsupportedSaslMechanism;
  raw_tokens_ = raw_tokens;
  if (mechanism == "PLAIN") {
    exchange_ = Exchange::kPlain;
    return ErrorCode::kNone;
  }
  const auth::ScramMechanism m = *auth::ParseMechanism(mechanism);
  auth::PrincipalFile* principals = options_->principals;
  scram_ = std::make_unique<auth::ScramServer>(
      m,
      [principals,
       m](std::string_view user) -> std::optional<auth::ScramCredential> {
        (void)principals->Refresh();
        const std::shared_ptr<const auth::PrincipalStore> store =
            principals->Get();
        const auth::Principal* p = store->Find(user);
        if (p == nullptr) return std::nullopt;
        return m == auth::ScramMechanism::kSha256 ? p->scram_sha256
                                                  : p->scram_sha512;
      },
      auth::RandomNonce(random_));
  exchange_ = Exchange::kScram;
  return ErrorCode::kNone;
}

ConnectionSession::Step ConnectionSession::Authenticate(
    std::string_view token) {
  switch (exchange_) {
    case Exchange::kNone:
      return Fail(ErrorCode::kIllegalSaslState,
                  "SaslAuthenticate before a successful SaslHandshake", "");
    case Exchange::kPlain:
      return AuthenticatePlain(token);
    case Exchange::kScram:
      break;
  }
  if (scram_->user().empty()) {  // client-first
    absl::StatusOr<std::string> first = scram_->ClientFirst(token);
    if (!first.ok())
      return Fail(ErrorCode::kSaslAuthenticationFailed,
                  std::string(first.status().message()), scram_->user());
    return Step{ErrorCode::kNone, "", *first};
  }
  absl::StatusOr<std::string> final_message = scram_->ClientFinal(token);
  if (!final_message.ok()) {
    return Fail(ErrorCode::kSaslAuthenticationFailed,
                std::string(final_message.status().message()), scram_->user());
  }
  Step step = Succeed(scram_->authenticated_user());
  step.bytes = *final_message;
  return step;
}

ConnectionSession::Step ConnectionSession::AuthenticatePlain(
    std::string_view token) {
  // authzid NUL authcid NUL passwd (RFC 4616)
  const size_t a = token.find('\0');
  const size_t b = a == std::string_view::npos ? a : token.find('\0', a + 1);
  if (b == std::string_view::npos) {
    return Fail(ErrorCode::kSaslAuthenticationFailed,
                "malformed SASL/PLAIN message", "");
  }
  const std::string_view authzid = token.substr(0, a);
  const std::string user(token.substr(a + 1, b - a - 1));
  const std::string_view password = token.substr(b + 1);
  if (!authzid.empty() && authzid != user) {
    return Fail(
        ErrorCode::kSaslAuthenticationFailed,
        "SASL/PLAIN authorization id must be empty or equal the user name",
        user);
  }
  (void)options_->principals->Refresh();
  std::shared_ptr<const auth::PrincipalStore> store =
      options_->principals->Get();
  const auth::Principal* p = store->Find(user);
  if (p == nullptr || !p->scram_sha256.has_value() ||
      !auth::VerifyPassword(auth::ScramMechanism::kSha256, *p->scram_sha256,
                            password)) {
    return Fail(ErrorCode::kSaslAuthenticationFailed,
                "authentication failed: invalid user name or password", user);
  }
  return Succeed(user);
}

ConnectionSession::Step ConnectionSession::Fail(ErrorCode error,
                                                std::string message,
                                                std::string_view user) {
  exchange_ = Exchange::kNone;
  scram_.reset();
  close_pending_ = true;
  close_delay_ms_ = throttle_->OnFailure(peer_ip_);
  LogWarning(
      "kafka: SASL authentication failed",
      {{"peer", peer_ip_}, {"user", std::string(user)}, {"error", message}});
  if (options_->audit != nullptr) {
    options_->audit->Record({user, "login", "kafka", false, "kafka",
                             absl::StrCat(peer_ip_, ": ", message)});
  }
  return Step{error, std::move(message), ""};
}

ConnectionSession::Step ConnectionSession::Succeed(const std::string& user) {
  exchange_ = Exchange::kNone;
  scram_.reset();
  throttle_->OnSuccess(peer_ip_);
  std::shared_ptr<const auth::PrincipalStore> store =
      options_->principals->Get();
  const auth::Principal* p = store->Find(user);
  principal_.emplace(p != nullptr ? *p : auth::Principal{user, {}});
  LogInfo("kafka: SASL authenticated", {{"peer", peer_ip_}, {"user", user}});
  return Step{};
}

}  // namespace rtai::kafka
