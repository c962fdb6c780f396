#include "cli/http/bearer_auth.h"

#include "base/auth/authorizer.h"

namespace rtai::cli {

std::function<std::optional<HttpResponse>(const HttpRequest&)>
MakeBearerAuthorizer(auth::PrincipalFile* principals, auth::AuditLog* audit) {
  return [principals,
          audit](const HttpRequest& req) -> std::optional<HttpResponse> {
    if (req.path == "/healthz" || req.path == "/readyz") return std::nullopt;
    auto refuse = [&](int status, const std::string& who, const char* why) {
      if (audit != nullptr)
        audit->Record({who, "http-get", req.path, false, "http", why});
      HttpResponse r;
      r.status = status;
      r.body = std::string(why) + "\n";
      return r;
    };
    constexpr std::string_view kBearer = "Bearer ";
    if (!std::string_view(req.authorization).starts_with(kBearer)) {
      return refuse(
          401, "",
          "authentication required: send Authorization: Bearer <token>");
    }
    (void)principals->Refresh();
    std::shared_ptr<const auth::PrincipalStore> store = principals->Get();
    const auth::Principal* p =
        store->FindByToken(req.authorization.substr(kBearer.size()));
    if (p == nullptr) return refuse(401, "", "invalid bearer token");
    if (!auth::IsAllowed(p, auth::Action::kViewJobs)) {
      return refuse(403, p->name, "forbidden: needs role admin or submit-jobs");
    }
    return std::nullopt;
  };
}

}  // namespace rtai::cli
