#pragma once
// The security state rtaid shares between its listeners: the principals
// file (<data_dir>/security/principals: users, SCRAM credentials, hashed
// tokens, roles; edited by `rtai-cli user ...`) and the audit log
// (<data_dir>/security/audit.log). See docs/SECURITY.md.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/auth/audit_log.h"
#include "base/auth/principal_store.h"
#include "base/clock.h"

namespace rtai::cli {

std::string PrincipalsPath(const std::string& data_dir);
std::string AuditLogPath(const std::string& data_dir);

struct DaemonSecurity {
  std::unique_ptr<auth::PrincipalFile> principals;
  std::unique_ptr<auth::AuditLog> audit;
};

// Opens both (creating <data_dir>/security, mode 0700). A principals file
// that does not parse is an error naming the line. `clock` outlives the
// result.
absl::StatusOr<DaemonSecurity> OpenDaemonSecurity(const std::string& data_dir,
                                                  Clock* clock);

}  // namespace rtai::cli
