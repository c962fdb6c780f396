#include "broker/grpc/admin_service.h"

#include <vector>

#include "base/auth/crypto.h"
#include "broker/grpc/status_convert.h"

namespace rtai::broker {

grpc::Status AdminServiceImpl::Refuse() const {
  return grpc::Status(
      grpc::StatusCode::FAILED_PRECONDITION,
      "AdminService needs rtaid --grpc-auth (and TLS); without it use "
      "`rtai-cli user ... --data-dir DIR` on the host");
}

grpc::Status AdminServiceImpl::CreateUser(grpc::ServerContext*,
                                          const v1::CreateUserRequest* req,
                                          v1::CreateUserResponse*) {
  if (!auth_enabled_) return Refuse();
  const std::vector<std::string> roles(req->roles().begin(),
                                       req->roles().end());
  const int iterations =
      req->iterations() == 0 ? auth::kScramMinIterations : req->iterations();
  return ToGrpcStatus(principals_->Update([&](auth::PrincipalStore* s) {
    return s->SetUser(req->name(), req->password(), roles,
                      auth::SecureRandomBytes(), iterations);
  }));
}

grpc::Status AdminServiceImpl::CreateToken(grpc::ServerContext*,
                                           const v1::CreateTokenRequest* req,
                                           v1::CreateTokenResponse* resp) {
  if (!auth_enabled_) return Refuse();
  const std::vector<std::string> roles(req->roles().begin(),
                                       req->roles().end());
  return ToGrpcStatus(principals_->Update([&](auth::PrincipalStore* s) {
    absl::StatusOr<std::string> token =
        s->AddToken(req->name(), roles, auth::SecureRandomBytes());
    if (!token.ok()) return token.status();
    resp->set_token(*token);
    return absl::OkStatus();
  }));
}

grpc::Status AdminServiceImpl::DeleteUser(grpc::ServerContext*,
                                          const v1::DeleteUserRequest* req,
                                          v1::DeleteUserResponse*) {
  if (!auth_enabled_) return Refuse();
  return ToGrpcStatus(principals_->Update(
      [&](auth::PrincipalStore* s) { return s->Delete(req->name()); }));
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext*,
                                         const v1::ListUsersRequest*,
                                         v1::ListUsersResponse* resp) {
  if (!auth_enabled_) return Refuse();
  if (absl::Status s = principals_->Refresh(); !s.ok()) return ToGrpcStatus(s);
  std::shared_ptr<const auth::PrincipalStore> store = principals_->Get();
  for (const auth::Principal* p : store->List()) {
    v1::UserInfo* u = resp->add_users();
    u->set_name(p->name);
    for (const std::string& r : p->roles) u->add_roles(r);
    if (p->scram_sha256) u->add_mechanisms("SCRAM-SHA-256");
    if (p->scram_sha512) u->add_mechanisms("SCRAM-SHA-512");
    u->set_tokens(static_cast<int32_t>(p->token_hashes.size()));
  }
  return grpc::Status::OK;
}

}  // namespace rtai::broker
