#pragma once
// AdminServiceImpl: the gRPC AdminService (proto/admin_service.proto) over
// the principals file. Authorization (role admin) and auditing happen in
// the auth processor (grpc_auth.h) before a call gets here; this class
// refuses every call when authentication is off.
//
// Thread-safe. `principals` outlives the service.

#include "base/auth/principal_store.h"
#include "proto/admin_service.grpc.pb.h"

namespace rtai::broker {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `auth_enabled`: whether the server runs with --grpc-auth.
  AdminServiceImpl(auth::PrincipalFile* principals, bool auth_enabled)
      : principals_(principals), auth_enabled_(auth_enabled) {}

  grpc::Status CreateUser(grpc::ServerContext*, const v1::CreateUserRequest*,
                          v1::CreateUserResponse*) override;
  grpc::Status CreateToken(grpc::ServerContext*, const v1::CreateTokenRequest*,
                           v1::CreateTokenResponse*) override;
  grpc::Status DeleteUser(grpc::ServerContext*, const v1::DeleteUserRequest*,
                          v1::DeleteUserResponse*) override;
  grpc::Status ListUsers(grpc::ServerContext*, const v1::ListUsersRequest*,
                         v1::ListUsersResponse*) override;

 private:
  grpc::Status Refuse() const;
  auth::PrincipalFile* principals_;
  const bool auth_enabled_;
};

}  // namespace rtai::broker
