#include "broker/kafka/auth/login_throttle.h"

#include <algorithm>

namespace rtai::kafka {

int64_t LoginThrottle::OnFailure(const std::string& ip) {
  const int64_t now = clock_->NowMillis();
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= kMaxTracked && !entries_.contains(ip))
    entries_.clear();
  Entry& e = entries_[ip];
  if (now - e.last_ms > kForgetAfterMs) e.failures = 0;
  e.failures = std::min(e.failures + 1, 32);
  e.last_ms = now;
  int64_t delay = base_ms_;
  for (int i = 1; i < e.failures && delay < max_ms_; ++i) delay *= 2;
  return std::min(delay, max_ms_);
}

void LoginThrottle::OnSuccess(const std::string& ip) {
  absl::MutexLock lock(&mu_);
  entries_.erase(ip);
}

}  // namespace rtai::kafka
