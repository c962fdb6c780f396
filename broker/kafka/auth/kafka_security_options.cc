#include "broker/kafka/auth/kafka_security_options.h"

#include "absl/strings/str_cat.h"
#include "base/auth/scram.h"

namespace rtai::kafka {

absl::Status KafkaSecurityOptions::Validate() const {
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert_file and tls_key_file must be given together");
  }
  if (!tls_client_ca_file.empty() && !tls_enabled()) {
    return absl::InvalidArgumentError(
        "tls_client_ca_file (mutual TLS) needs tls_cert_file");
  }
  if (authentication_enabled() && principals == nullptr) {
    return absl::InvalidArgumentError("authentication needs a principals file");
  }
  if (sasl_enabled && sasl_mechanisms.empty()) {
    return absl::InvalidArgumentError("sasl_mechanisms must not be empty");
  }
  for (const std::string& m : sasl_mechanisms) {
    if (m != "PLAIN" && !auth::ParseMechanism(m).has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported SASL mechanism '", m,
                       "' (use SCRAM-SHA-256, SCRAM-SHA-512, PLAIN)"));
    }
  }
  if (max_preauth_request_bytes < 64 || max_preauth_request_bytes > (1 << 20)) {
    return absl::InvalidArgumentError(
        "max_preauth_request_bytes must be in [64, 1 MiB]");
  }
  if (preauth_timeout_ms < 1)
    return absl::InvalidArgumentError("preauth_timeout_ms must be >= 1");
  if (max_connections_per_ip < 0) {
    return absl::InvalidArgumentError("max_connections_per_ip must be >= 0");
  }
  if (failed_login_delay_ms < 0 ||
      failed_login_delay_max_ms < failed_login_delay_ms) {
    return absl::InvalidArgumentError(
        "failed_login_delay_ms must be >= 0 and <= failed_login_delay_max_ms");
  }
  return absl::OkStatus();
}

}  // namespace rtai::kafka
