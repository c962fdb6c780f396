#pragma once
// Security options of the Kafka listener (rtaid --kafka-tls-*,
// --kafka-sasl*, --kafka-max-connections-per-ip ...). Everything is off by
// default: a plaintext listener without authentication, as before.
// See docs/SECURITY.md.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/auth/audit_log.h"
#include "base/auth/principal_store.h"

namespace rtai::kafka {

struct KafkaSecurityOptions {
  // PEM certificate chain and private key of the listener; a non-empty
  // cert turns TLS on (SSL / SASL_SSL). Default: "" (plaintext).
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM CA bundle: non-empty requires every client to present a
  // certificate signed by it (mutual TLS); the certificate's CN is the
  // principal unless SASL names one. Needs TLS. Default: "".
  std::string tls_client_ca_file;
  // Clients must authenticate with SASL before any API other than
  // ApiVersions, SaslHandshake and SaslAuthenticate. Default: false.
  bool sasl_enabled = false;
  // Mechanisms offered, from SCRAM-SHA-256, SCRAM-SHA-512, PLAIN.
  // Default: all three.
  std::vector<std::string> sasl_mechanisms = {"SCRAM-SHA-256", "SCRAM-SHA-512",
                                              "PLAIN"};
  // Users, credentials and roles. Required when authentication is on. Not
  // owned; must outlive the server. Default: nullptr.
  auth::PrincipalFile* principals = nullptr;
  // Failed logins and authorization denials of admin actions go here. Not
  // owned; nullptr: not recorded. Default: nullptr.
  auth::AuditLog* audit = nullptr;
  // Largest frame accepted before authentication; a larger size prefix
  // closes the connection without allocating. Default: 65536 (bytes).
  int32_t max_preauth_request_bytes = 64 << 10;
  // A connection that has not authenticated (or finished its TLS
  // handshake) within this is closed. Default: 10000 (ms).
  int64_t preauth_timeout_ms = 10000;
  // Open connections per client IP address; 0: no limit. Default: 0.
  int32_t max_connections_per_ip = 0;
  // After a failed login the error answer is held back this long, doubled
  // for each further failure from the same address (reset by a success or
  // a minute without failures), up to failed_login_delay_max_ms; then the
  // connection closes. Default: 1000, 10000 (ms).
  int64_t failed_login_delay_ms = 1000;
  int64_t failed_login_delay_max_ms = 10000;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
  // Authentication on: SASL or mutual TLS. Authorization (deny by default,
  // roles from `principals`) is on exactly when authentication is.
  bool authentication_enabled() const {
    return sasl_enabled || !tls_client_ca_file.empty();
  }
  // kInvalidArgument naming the field.
  absl::Status Validate() const;
};

}  // namespace rtai::kafka
