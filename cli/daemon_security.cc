#include "cli/daemon_security.h"

#include <sys/stat.h>

#include "base/file_system.h"

namespace rtai::cli {

std::string PrincipalsPath(const std::string& data_dir) {
  return JoinPath(JoinPath(data_dir, "security"), "principals");
}

std::string AuditLogPath(const std::string& data_dir) {
  return JoinPath(JoinPath(data_dir, "security"), "audit.log");
}

absl::StatusOr<DaemonSecurity> OpenDaemonSecurity(const std::string& data_dir,
                                                  Clock* clock) {
  const std::string dir = JoinPath(data_dir, "security");
  if (absl::Status s = DefaultFileSystem()->CreateDirs(dir); !s.ok()) return s;
  chmod(dir.c_str(), 0700);
  DaemonSecurity out;
  out.principals =
      std::make_unique<auth::PrincipalFile>(PrincipalsPath(data_dir));
  if (absl::Status s = out.principals->Refresh(); !s.ok()) return s;
  auto audit = auth::AuditLog::Open(AuditLogPath(data_dir), clock);
  if (!audit.ok()) return audit.status();
  out.audit = *std::move(audit);
  return out;
}

}  // namespace rtai::cli
