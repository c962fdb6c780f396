#pragma once
// LoginThrottle: how long to hold back the answer to a failed login, per
// client address: base_ms for the first failure, doubled for each further
// one, capped at max_ms; forgotten after a success or a quiet minute.
// Slows password guessing without costing the server a thread: the caller
// waits on a timer.
//
// Thread-safe. `clock` must outlive the throttle. At most kMaxTracked
// addresses are remembered (beyond it the table is cleared: an attacker
// with that many addresses is not slowed by per-address state anyway).

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"

namespace rtai::kafka {

class LoginThrottle {
 public:
  static constexpr size_t kMaxTracked = 16384;
  static constexpr int64_t kForgetAfterMs = 60000;

  LoginThrottle(Clock* clock, int64_t base_ms, int64_t max_ms)
      : clock_(clock), base_ms_(base_ms), max_ms_(max_ms) {}

  // Records a failure from `ip`; returns the delay to apply (ms).
  int64_t OnFailure(const std::string& ip);
  void OnSuccess(const std::string& ip);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_ms = 0;
  };
  Clock* const clock_;
  const int64_t base_ms_;
  const int64_t max_ms_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::kafka
