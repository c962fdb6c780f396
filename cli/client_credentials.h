#pragma once
// rtai-cli's channel credentials from its global options: --tls-ca (env
// RTAI_TLS_CA) turns TLS on, --tls-cert/--tls-key (RTAI_TLS_CERT,
// RTAI_TLS_KEY) add a client certificate (mutual TLS), --token
// (RTAI_TOKEN) sends "authorization: Bearer <token>" on every call. A
// token requires TLS. See docs/SECURITY.md.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"

namespace rtai::cli {

struct ClientSecurity {
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string token;
};

// Fills unset fields from the environment.
void SecurityFromEnv(ClientSecurity* s);

// kInvalidArgument for a token without TLS or an unreadable file.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientSecurity& s);

}  // namespace rtai::cli
