#include "cli/client_credentials.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "base/file_system.h"

namespace rtai::cli {
namespace {

void FromEnv(std::string* field, const char* name) {
  if (!field->empty()) return;
  if (const char* v = std::getenv(name); v != nullptr) *field = v;
}

absl::StatusOr<std::string> Read(const std::string& path, const char* option) {
  absl::StatusOr<std::string> text =
      DefaultFileSystem()->ReadFileToString(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        option, ": cannot read '", path, "': ", text.status().message()));
  }
  return text;
}

}  // namespace

void SecurityFromEnv(ClientSecurity* s) {
  FromEnv(&s->tls_ca_file, "RTAI_TLS_CA");
  FromEnv(&s->tls_cert_file, "RTAI_TLS_CERT");
  FromEnv(&s->tls_key_file, "RTAI_TLS_KEY");
  FromEnv(&s->token, "RTAI_TOKEN");
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientSecurity& s) {
  if (s.tls_ca_file.empty()) {
    if (!s.token.empty() || !s.tls_cert_file.empty()) {
      return absl::InvalidArgumentError(
          "--token and --tls-cert need --tls-ca (credentials are only sent "
          "over TLS)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  auto ca = Read(s.tls_ca_file, "--tls-ca");
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *ca;
  if (!s.tls_cert_file.empty()) {
    auto cert = Read(s.tls_cert_file, "--tls-cert");
    if (!cert.ok()) return cert.status();
    auto key = Read(s.tls_key_file, "--tls-key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::SslCredentials(ssl);
  if (!s.token.empty()) {
    creds = grpc::CompositeChannelCredentials(
        creds, grpc::AccessTokenCredentials(s.token));
  }
  return creds;
}

}  // namespace rtai::cli
