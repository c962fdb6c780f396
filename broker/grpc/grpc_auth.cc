#include "broker/grpc/grpc_auth.h"

#include "absl/strings/str_cat.h"
#include "base/file_system.h"
#include "base/logging.h"

namespace rtai::broker {
namespace {

constexpr char kPrincipalProperty[] = "rtai_principal";
constexpr char kRoleProperty[] = "rtai_role";

struct MethodAction {
  std::string_view method;
  std::optional<auth::Action> action;
};

constexpr MethodAction kMethods[] = {
    {"/rtai.v1.BrokerService/CreateTopic", auth::Action::kAdmin},
    {"/rtai.v1.BrokerService/DeleteTopic", auth::Action::kAdmin},
    {"/rtai.v1.BrokerService/ListTopics", std::nullopt},
    {"/rtai.v1.BrokerService/DescribeTopic", std::nullopt},
    {"/rtai.v1.BrokerService/Produce", std::nullopt},
    {"/rtai.v1.BrokerService/Fetch", std::nullopt},
    {"/rtai.v1.BrokerService/Subscribe", std::nullopt},
    {"/rtai.job.JobService/SubmitJob", auth::Action::kSubmitJob},
    {"/rtai.job.JobService/CancelJob", auth::Action::kSubmitJob},
    {"/rtai.job.JobService/ListJobs", auth::Action::kViewJobs},
    {"/rtai.job.JobService/GetJob", auth::Action::kViewJobs},
    {"/rtai.v1.ModelService/RegisterModel", auth::Action::kAdmin},
    {"/rtai.v1.ModelService/PromoteModel", auth::Action::kAdmin},
    {"/rtai.v1.ModelService/RollbackModel", auth::Action::kAdmin},
    {"/rtai.v1.ModelService/ListModels", auth::Action::kViewJobs},
    {"/rtai.v1.ModelService/DescribeModel", auth::Action::kViewJobs},
    {"/rtai.v1.AdminService/CreateUser", auth::Action::kAdmin},
    {"/rtai.v1.AdminService/CreateToken", auth::Action::kAdmin},
    {"/rtai.v1.AdminService/DeleteUser", auth::Action::kAdmin},
    {"/rtai.v1.AdminService/ListUsers", auth::Action::kAdmin},
};

std::string_view View(const grpc::string_ref& s) {
  return {s.data(), s.size()};
}

class AuthProcessor : public grpc::AuthMetadataProcessor {
 public:
  AuthProcessor(auth::PrincipalFile* principals, auth::AuditLog* audit)
      : principals_(principals), audit_(audit) {}

  grpc::Status Process(const InputMetadata& metadata,
                       grpc::AuthContext* context, OutputMetadata* consumed,
                       OutputMetadata* response) override {
    std::string method;
    std::string token;
    for (const auto& [key, value] : metadata) {
      if (View(key) == ":path") method = std::string(View(value));
      if (View(key) == "authorization") {
        std::string_view v = View(value);
        if (v.starts_with("Bearer ")) token = std::string(v.substr(7));
        consumed->insert({std::string(View(key)), std::string(v)});
      }
    }
    if (absl::Status s = principals_->Refresh(); !s.ok()) {
      LogWarning("grpc: principals file not reloaded",
                 {{"error", s.ToString()}});
    }
    std::shared_ptr<const auth::PrincipalStore> store = principals_->Get();
    const auth::Principal* principal = nullptr;
    std::string cn;
    if (!token.empty()) {
      principal = store->FindByToken(token);
    } else {
      for (const grpc::string_ref& name :
           context->FindPropertyValues("x509_common_name")) {
        cn = std::string(View(name));
        principal = store->Find(cn);
      }
    }
    const std::optional<auth::Action> action = ActionForMethod(method);
    if (principal == nullptr) {
      std::string why =
          !token.empty() ? "invalid bearer token"
          : !cn.empty()
              ? absl::StrCat("authentication required: client certificate CN '",
                             cn, "' is not a known principal")
              : "authentication required: pass a bearer token (rtai-cli "
                "--token / "
                "RTAI_TOKEN) or a client certificate";
      Audit("", action, method, false, why);
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, why);
    }
    context->AddProperty(kPrincipalProperty, principal->name);
    for (const std::string& role : principal->roles)
      context->AddProperty(kRoleProperty, role);
    context->SetPeerIdentityPropertyName(kPrincipalProperty);
    if (!action.has_value())
      return grpc::Status::OK;  // checked per topic by the service
    const bool allowed = auth::IsAllowed(principal, *action);
    Audit(principal->name, action, method, allowed, "");
    if (allowed) return grpc::Status::OK;
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        absl::StrCat("principal '", principal->name, "' may not ",
                     std::string(auth::ActionName(*action)), " (", method,
                     "): missing role"));
  }

 private:
  void Audit(std::string_view principal, std::optional<auth::Action> action,
             std::string_view method, bool allowed, std::string_view detail) {
    if (audit_ == nullptr) return;
    audit_->Record({principal,
                    action ? auth::ActionName(*action) : "topic-access", method,
                    allowed, "grpc", detail});
  }

  auth::PrincipalFile* principals_;
  auth::AuditLog* audit_;
};

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  absl::StatusOr<std::string> text =
      DefaultFileSystem()->ReadFileToString(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gRPC TLS: cannot read ", what, " '", path,
                     "': ", text.status().message()));
  }
  return text;
}

}  // namespace

absl::Status GrpcSecurityOptions::Validate() const {
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "gRPC TLS needs both a certificate and a key");
  }
  if (!tls_client_ca_file.empty() && !tls_enabled()) {
    return absl::InvalidArgumentError(
        "gRPC mutual TLS (client CA) needs a TLS certificate");
  }
  if (auth_enabled && !tls_enabled()) {
    return absl::InvalidArgumentError(
        "gRPC authentication needs TLS (--grpc-tls-cert/--grpc-tls-key): "
        "bearer tokens must "
        "not travel in clear text");
  }
  if (auth_enabled && principals == nullptr) {
    return absl::InvalidArgumentError(
        "gRPC authentication needs the principals file");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
MakeGrpcServerCredentials(const GrpcSecurityOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  if (!options.tls_enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  auto cert = ReadPem(options.tls_cert_file, "certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(options.tls_key_file, "private key");
  if (!key.ok()) return key.status();
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca_file.empty()) {
    auto ca = ReadPem(options.tls_client_ca_file, "client CA bundle");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  std::shared_ptr<grpc::ServerCredentials> creds =
      grpc::SslServerCredentials(ssl);
  if (options.auth_enabled) {
    creds->SetAuthMetadataProcessor(
        std::make_shared<AuthProcessor>(options.principals, options.audit));
  }
  return creds;
}

std::optional<auth::Action> ActionForMethod(std::string_view method) {
  for (const MethodAction& m : kMethods) {
    if (m.method == method) return m.action;
  }
  return auth::Action::kAdmin;  // deny by default: unknown methods are
                                // admin-only
}

grpc::Status CheckTopicAccess(const grpc::ServerContextBase* ctx, bool enforce,
                              auth::Action action, const std::string& topic) {
  if (!enforce) return grpc::Status::OK;
  std::shared_ptr<const grpc::AuthContext> context = ctx->auth_context();
  auth::Principal principal;
  for (const grpc::string_ref& name :
       context->FindPropertyValues(kPrincipalProperty)) {
    principal.name = std::string(View(name));
  }
  for (const grpc::string_ref& role :
       context->FindPropertyValues(kRoleProperty)) {
    principal.roles.emplace_back(View(role));
  }
  if (!principal.name.empty() && auth::IsAllowed(&principal, action, topic)) {
    return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      absl::StrCat("principal '", principal.name, "' may not ",
                                   std::string(auth::ActionName(action)),
                                   " topic '", topic, "'"));
}

}  // namespace rtai::broker
