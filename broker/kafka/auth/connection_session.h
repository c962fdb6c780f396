#pragma once
// ConnectionSession: the authentication state of one Kafka connection —
// which SASL mechanism the client chose, the exchange in progress, and the
// authenticated principal (with its roles, read from the principals file
// when the login succeeded: role changes apply to new connections).
//
// Thread safety: none; the connection touches it only on its strand
// (SASL handlers are non-blocking, so they run there too). Owned by the
// connection; `options` and `throttle` outlive it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/auth/crypto.h"
#include "base/auth/principal_store.h"
#include "base/auth/scram.h"
#include "broker/kafka/auth/kafka_security_options.h"
#include "broker/kafka/auth/login_throttle.h"
#include "broker/kafka/error_codes.h"

namespace rtai::kafka {

class ConnectionSession {
 public:
  // `tls_principal`: the client certificate's CN under mutual TLS, else "".
  ConnectionSession(const KafkaSecurityOptions* options,
                    LoginThrottle* throttle, std::string peer_ip,
                    std::string tls_principal, auth::RandomBytes random);

  // Whether a request of `api_key` may be processed now: before
  // authentication only ApiVersions, SaslHandshake and SaslAuthenticate.
  bool MayProcess(int16_t api_key) const;
  bool authenticated() const { return principal_.has_value(); }
  bool authorization_enabled() const {
    return options_->authentication_enabled();
  }
  // The authenticated principal, or nullptr.
  const auth::Principal* principal() const {
    return principal_ ? &*principal_ : nullptr;
  }
  // Largest request frame accepted at this point of the session.
  int32_t MaxRequestBytes(int32_t authenticated_max) const;

  // SaslHandshake: selects `mechanism`. `raw_tokens` (v0): the tokens that
  // follow are bare size-prefixed frames. Returns kNone,
  // kUnsupportedSaslMechanism or kIllegalSaslState.
  ErrorCode Handshake(std::string_view mechanism, bool raw_tokens);
  std::vector<std::string> mechanisms() const {
    return options_->sasl_enabled ? options_->sasl_mechanisms
                                  : std::vector<std::string>();
  }

  struct Step {
    ErrorCode error = ErrorCode::kNone;
    std::string message;  // for the client on error
    std::string bytes;    // the server's token
  };
  // One client token (SaslAuthenticate.AuthBytes or a raw v0 frame).
  Step Authenticate(std::string_view token);
  // True after SaslHandshake v0 until the exchange ends.
  bool expects_raw_token() const {
    return raw_tokens_ && exchange_ != Exchange::kNone;
  }

  // After a failed login: the connection answers after close_delay_ms()
  // and then closes.
  bool close_pending() const { return close_pending_; }
  int64_t close_delay_ms() const { return close_delay_ms_; }
  const std::string& peer_ip() const { return peer_ip_; }

 private:
  enum class Exchange { kNone, kPlain, kScram };
  Step Fail(ErrorCode error, std::string message, std::string_view user);
  Step Succeed(const std::string& user);
  Step AuthenticatePlain(std::string_view token);

  const KafkaSecurityOptions* options_;
  LoginThrottle* throttle_;
  const std::string peer_ip_;
  auth::RandomBytes random_;
  Exchange exchange_ = Exchange::kNone;
  bool raw_tokens_ = false;
  std::unique_ptr<auth::ScramServer> scram_;
  std::optional<auth::Principal> principal_;
  bool close_pending_ = false;
  int64_t close_delay_ms_ = 0;
};

}  // namespace rtai::kafka
