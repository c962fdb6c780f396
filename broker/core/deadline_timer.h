#pragma once
// DeadlineTimer: runs callbacks at monotonic deadlines on one dedicated
// thread (long-poll timeouts, periodic retention and interval flushes).
// Callbacks must be short and must not block: they hand work to other
// threads. Time comes from the injected Clock (MonotonicNanos); the thread
// sleeps on an absl::Mutex condition with a timeout, never spins.
//
// Thread-safe. `clock` must outlive the timer. Callbacks still pending at
// Shutdown() (or destruction) are dropped without running.

#include <cstdint>
#include <map>
#include <thread>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"

namespace rtai::broker {

class DeadlineTimer {
 public:
  using TimerId = uint64_t;
  explicit DeadlineTimer(Clock* clock);
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Runs `fn` on the timer thread once `delay_ms` has passed. Returns an id
  // for Cancel. After Shutdown, `fn` is dropped.
  TimerId Schedule(int64_t delay_ms, absl::AnyInvocable<void()> fn);
  // Returns true if the callback was still pending (it will not run).
  bool Cancel(TimerId id);
  // Stops the thread; pending callbacks never run. Idempotent.
  void Shutdown();
  size_t pending() const;
  // Makes the thread re-read the clock now (for tests driving a FakeClock).
  void Poke();

 private:
  using Key = std::pair<int64_t, TimerId>;  // (deadline ns, id)
  void Run();
  bool ShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const clock_;
  mutable absl::Mutex mu_;
  std::map<Key, absl::AnyInvocable<void()>> timers_ ABSL_GUARDED_BY(mu_);
  std::map<TimerId, int64_t> deadlines_ ABSL_GUARDED_BY(mu_);
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // The earliest deadline the thread sleeps toward; a new earlier timer
  // wakes it.
  int64_t sleeping_until_ns_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool poked_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rtai::broker
