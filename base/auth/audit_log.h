#pragma once
// AuditLog: an append-only file of JSON lines, one per authorization
// decision on an admin or job action (and each failed login):
//   {"ts_ms":1700000000000,"principal":"alice","action":"submit-job",
//    "resource":"job fraud","decision":"deny","source":"grpc","detail":""}
// Each line is one write(2) to a file opened with O_APPEND, so concurrent
// writers (and a crash) never interleave or tear lines short of the disk
// failing. Fields longer than 512 bytes are truncated.
//
// Thread-safe. `clock` must outlive the log.

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"

namespace rtai::auth {

class AuditLog {
 public:
  // Opens (creating, mode 0600) `path` for appending.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path,
                                                        Clock* clock);
  ~AuditLog();

  struct Entry {
    std::string_view principal;  // "" when unauthenticated
    std::string_view action;
    std::string_view resource;
    bool allowed = false;
    std::string_view source;  // "grpc", "http", "kafka"
    std::string_view detail;
  };
  // Appends one line. A write failure is logged (once per failure run),
  // never fatal: the decision itself stands.
  void Record(const Entry& entry);

 private:
  AuditLog(int fd, Clock* clock) : fd_(fd), clock_(clock) {}
  const int fd_;
  Clock* const clock_;
  absl::Mutex mu_;
  bool failing_ ABSL_GUARDED_BY(mu_) = false;
};

// `s` as a JSON string literal (quotes included), at most `max_bytes` of it.
std::string JsonQuote(std::string_view s, size_t max_bytes = 512);

}  // namespace rtai::auth
