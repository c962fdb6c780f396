#include "cli/user_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/auth/principal_store.h"
#include "cli/args.h"
#include "cli/daemon_security.h"
#include "grpcpp/create_channel.h"
#include "proto/admin_service.grpc.pb.h"

namespace rtai::cli {
namespace {

constexpr char kUserUsage[] =
    "usage: rtai-cli user <create|token|delete|list> [NAME] [--data-dir DIR] "
    "[options]\n"
    "  create NAME [--roles R,...] [--iterations N]\n"
    "                 password from the first line of stdin; stores "
    "SCRAM-SHA-256\n"
    "                 and SCRAM-SHA-512 credentials (salted; never the "
    "password)\n"
    "  token NAME [--roles R,...]   prints a new bearer token (stored hashed)\n"
    "  delete NAME                  removes the principal and its tokens\n"
    "  list                         NAME ROLES CREDENTIALS TOKENS\n"
    "roles: admin, submit-jobs, produce:TOPIC, consume:TOPIC (TOPIC may end in "
    "'*')\n"
    "With --data-dir: edits DIR/security/principals on this host (rtaid "
    "running or\n"
    "not; a running rtaid picks changes up for new logins). Without: calls "
    "rtaid's\n"
    "AdminService (needs rtaid --grpc-auth, --tls-ca and an admin --token).\n";

std::vector<std::string> Roles(const ParsedArgs& p) {
  std::vector<std::string> roles;
  for (const std::string& value : p.GetAll("roles")) {
    for (absl::string_view r : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      roles.emplace_back(r);
    }
  }
  return roles;
}

absl::Status List(CliEnv& env, auth::PrincipalFile& file) {
  if (absl::Status s = file.Refresh(); !s.ok()) return s;
  for (const auth::Principal* p : file.Get()->List()) {
    std::vector<std::string> creds;
    if (p->scram_sha256) creds.push_back("SCRAM-SHA-256");
    if (p->scram_sha512) creds.push_back("SCRAM-SHA-512");
    *env.out << p->name << "\t"
             << (p->roles.empty() ? "-" : absl::StrJoin(p->roles, ",")) << "\t"
             << (creds.empty() ? "-" : absl::StrJoin(creds, ",")) << "\t"
             << p->token_hashes.size() << "\n";
  }
  return absl::OkStatus();
}

absl::Status ReadPassword(CliEnv& env, std::string* password) {
  if (!std::getline(*env.in, *password) || password->empty()) {
    return absl::InvalidArgumentError(
        "user create: give the password on the first line of stdin");
  }
  if (password->back() == '\r') password->pop_back();
  return absl::OkStatus();
}

// The same commands over rtaid's AdminService.
absl::Status RunRemote(CliEnv& env, const std::string& sub,
                       const std::vector<std::string>& names,
                       const std::vector<std::string>& roles,
                       int64_t iterations) {
  auto stub = v1::AdminService::NewStub(
      grpc::CreateChannel(env.server, ChannelCredentials(env)));
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  grpc::Status status;
  if (sub == "list") {
    v1::ListUsersResponse resp;
    status = stub->ListUsers(&ctx, v1::ListUsersRequest(), &resp);
    if (!status.ok()) return RpcError(env, status);
    for (const v1::UserInfo& u : resp.users()) {
      *env.out << u.name() << "\t"
               << (u.roles().empty() ? "-" : absl::StrJoin(u.roles(), ","))
               << "\t"
               << (u.mechanisms().empty() ? "-"
                                          : absl::StrJoin(u.mechanisms(), ","))
               << "\t" << u.tokens() << "\n";
    }
    return absl::OkStatus();
  }
  if (names.size() != 1)
    return absl::InvalidArgumentError(
        absl::StrCat("user ", sub, ": expected one NAME"));
  if (sub == "create") {
    v1::CreateUserRequest req;
    req.set_name(names[0]);
    std::string password;
    if (absl::Status s = ReadPassword(env, &password); !s.ok()) return s;
    req.set_password(password);
    for (const std::string& r : roles) req.add_roles(r);
    req.set_iterations(static_cast<int32_t>(iterations));
    v1::CreateUserResponse resp;
    status = stub->CreateUser(&ctx, req, &resp);
    if (status.ok()) *env.out << "user " << names[0] << " saved\n";
  } else if (sub == "token") {
    v1::CreateTokenRequest req;
    req.set_name(names[0]);
    for (const std::string& r : roles) req.add_roles(r);
    v1::CreateTokenResponse resp;
    status = stub->CreateToken(&ctx, req, &resp);
    if (status.ok()) *env.out << resp.token() << "\n";
  } else if (sub == "delete") {
    v1::DeleteUserRequest req;
    req.set_name(names[0]);
    v1::DeleteUserResponse resp;
    status = stub->DeleteUser(&ctx, req, &resp);
    if (status.ok()) *env.out << "user " << names[0] << " deleted\n";
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "user: unknown subcommand '", sub, "' (create, token, delete, list)"));
  }
  return status.ok() ? absl::OkStatus() : RpcError(env, status);
}

}  // namespace

absl::Status RunUserCommand(CliEnv& env, const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {{"data-dir", "roles", "iterations"}, {}});
  if (!parsed.ok()) return parsed.status();
  const ParsedArgs& p = *parsed;
  if (p.Has("help") || p.positional.empty()) {
    *env.out << kUserUsage;
    return p.positional.empty() && !p.Has("help")
               ? absl::InvalidArgumentError(
                     "user: missing subcommand (see --help)")
               : absl::OkStatus();
  }
  const std::string data_dir = p.Get("data-dir");
  const std::string& sub = p.positional[0];
  if (data_dir.empty()) {
    auto iterations = p.GetInt("iterations", 0);
    if (!iterations.ok()) return iterations.status();
    return RunRemote(env, sub, {p.positional.begin() + 1, p.positional.end()},
                     Roles(p), *iterations);
  }
  auth::PrincipalFile file(PrincipalsPath(data_dir));
  if (sub == "list") return List(env, file);
  if (p.positional.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("user ", sub, ": expected one NAME"));
  }
  const std::string name = p.positional[1];
  const std::vector<std::string> roles = Roles(p);
  const auth::RandomBytes random = auth::SecureRandomBytes();
  if (sub == "create") {
    auto iterations = p.GetInt("iterations", auth::kScramMinIterations);
    if (!iterations.ok()) return iterations.status();
    std::string password;
    if (absl::Status s = ReadPassword(env, &password); !s.ok()) return s;
    absl::Status s = file.Update([&](auth::PrincipalStore* store) {
      return store->SetUser(name, password, roles, random,
                            static_cast<int>(*iterations));
    });
    if (s.ok()) *env.out << "user " << name << " saved\n";
    return s;
  }
  if (sub == "token") {
    std::string token;
    absl::Status s = file.Update([&](auth::PrincipalStore* store) {
      absl::StatusOr<std::string> t = store->AddToken(name, roles, random);
      if (!t.ok()) return t.status();
      token = *t;
      return absl::OkStatus();
    });
    if (s.ok()) *env.out << token << "\n";
    return s;
  }
  if (sub == "delete") {
    absl::Status s = file.Update(
        [&](auth::PrincipalStore* store) { return store->Delete(name); });
    if (s.ok()) *env.out << "user " << name << " deleted\n";
    return s;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "user: unknown subcommand '", sub, "' (create, token, delete, list)"));
}

}  // namespace rtai::cli
