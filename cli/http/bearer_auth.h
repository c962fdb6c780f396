#pragma once
// The HTTP endpoint's authorization (rtaid --http-auth): /healthz and
// /readyz stay open for probes; every other path needs
// "Authorization: Bearer <token>" of a principal allowed to view jobs
// (roles admin or submit-jobs; tokens from `rtai-cli user token`).
// Missing or unknown tokens get 401, principals without the role 403;
// refusals go to the audit log.
//
// Thread-safe. `principals` and `audit` (nullable) outlive the callback.

#include <functional>
#include <optional>

#include "base/auth/audit_log.h"
#include "base/auth/principal_store.h"
#include "cli/http/http_server.h"

namespace rtai::cli {

std::function<std::optional<HttpResponse>(const HttpRequest&)>
MakeBearerAuthorizer(auth::PrincipalFile* principals, auth::AuditLog* audit);

}  // namespace rtai::cli
