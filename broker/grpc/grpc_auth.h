#pragma once
// gRPC security (rtaid --grpc-tls-*, --grpc-auth): TLS server credentials
// from PEM files (optionally requiring and verifying client certificates),
// and, with authentication on, an AuthMetadataProcessor that runs before
// every call:
//   1. identifies the caller: "authorization: Bearer <token>" (a token from
//      `rtai-cli user token`, stored hashed) or, under mutual TLS, the
//      client certificate's CN;
//   2. authorizes the method (table in grpc_auth.cc: topic admin and model
//      changes need admin, job calls submit-jobs, unknown methods admin);
//      BrokerService data calls are checked per topic by the service
//      (CheckTopicAccess);
//   3. writes every admin/job decision to the audit log.
// Unauthenticated calls fail UNAUTHENTICATED, unauthorized ones
// PERMISSION_DENIED, with a message naming the principal and action.
// Authentication requires TLS: bearer tokens never cross the wire in clear.
//
// Thread-safe.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/auth/audit_log.h"
#include "base/auth/authorizer.h"
#include "base/auth/principal_store.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace rtai::broker {

struct GrpcSecurityOptions {
  // PEM certificate chain and key; non-empty turns TLS on. Default: "".
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM CA bundle: clients must present a certificate it signed. Default: "".
  std::string tls_client_ca_file;
  // Require authentication and authorize every call (deny by default).
  // Needs TLS and `principals`. Default: false.
  bool auth_enabled = false;
  // Not owned; outlive the server. Default: nullptr.
  auth::PrincipalFile* principals = nullptr;
  auth::AuditLog* audit = nullptr;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
  absl::Status Validate() const;
};

// Insecure credentials when TLS is off; else TLS credentials (with the
// auth processor installed when auth_enabled). kInvalidArgument naming an
// unreadable file.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
MakeGrpcServerCredentials(const GrpcSecurityOptions& options);

// Whether the caller of `ctx` may perform `action` on `topic`. OK when
// `enforce` is false (authentication off); PERMISSION_DENIED otherwise
// unless the authenticated principal's roles allow it.
grpc::Status CheckTopicAccess(const grpc::ServerContextBase* ctx, bool enforce,
                              auth::Action action, const std::string& topic);

// The action a full method name ("/rtai.job.JobService/SubmitJob") needs;
// nullopt for BrokerService data calls checked per topic by the service.
std::optional<auth::Action> ActionForMethod(std::string_view method);

}  // namespace rtai::broker
