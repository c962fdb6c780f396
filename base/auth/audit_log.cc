#include "base/auth/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/file_system.h"
#include "base/logging.h"

namespace rtai::auth {

std::string JsonQuote(std::string_view s, size_t max_bytes) {
  if (s.size() > max_bytes) s = s.substr(0, max_bytes);
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\u%04x", c);  // bytes, not code points
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    const std::string& path, Clock* clock) {
  if (absl::Status s = DefaultFileSystem()->CreateDirs(DirName(path)); !s.ok())
    return s;
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return ErrnoToStatus(errno, absl::StrCat("open audit log ", path));
  return std::unique_ptr<AuditLog>(new AuditLog(fd, clock));
}

AuditLog::~AuditLog() { close(fd_); }

void AuditLog::Record(const Entry& e) {
  const std::string line = absl::StrCat(
      "{\"ts_ms\":", clock_->NowMillis(),
      ",\"principal\":", JsonQuote(e.principal),
      ",\"action\":", JsonQuote(e.action),
      ",\"resource\":", JsonQuote(e.resource), ",\"decision\":\"",
      e.allowed ? "allow" : "deny", "\",\"source\":", JsonQuote(e.source),
      ",\"detail\":", JsonQuote(e.detail), "}\n");
  absl::MutexLock lock(&mu_);
  const ssize_t n = write(fd_, line.data(), line.size());
  if (n == static_cast<ssize_t>(line.size())) {
    failing_ = false;
    return;
  }
  if (!failing_) LogError("audit log write failed", {{"errno", errno}});
  failing_ = true;
}

}  // namespace rtai::auth
