#include "broker/core/deadline_timer.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "absl/time/time.h"

namespace rtai::broker {

DeadlineTimer::DeadlineTimer(Clock* clock)
    : clock_(clock), thread_([this] { Run(); }) {}

DeadlineTimer::~DeadlineTimer() { Shutdown(); }

DeadlineTimer::TimerId DeadlineTimer::Schedule(int64_t delay_ms,
                                               absl::AnyInvocable<void()> fn) {
  const int64_t deadline =
      clock_->MonotonicNanos() + std::max<int64_t>(delay_ms, 0) * 1'000'000;
  absl::MutexLock l(&mu_);
  const TimerId id = next_id_++;
  if (stop_) return id;
  timers_.emplace(Key{deadline, id}, std::move(fn));
  deadlines_.emplace(id, deadline);
  return id;
}

bool DeadlineTimer::Cancel(TimerId id) {
  absl::MutexLock l(&mu_);
  auto it = deadlines_.find(id);
  if (it == deadlines_.end()) return false;
  timers_.erase(Key{it->second, id});
  deadlines_.erase(it);
  return true;
}

void DeadlineTimer::Shutdown() {
  {
    absl::MutexLock l(&mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::map<Key, absl::AnyInvocable<void()>> dropped;
  absl::MutexLock l(&mu_);
  dropped.swap(timers_);
  deadlines_.clear();
}

void DeadlineTimer::Poke() {
  absl::MutexLock l(&mu_);
  poked_ = true;
}

size_t DeadlineTimer::pending() const {
  absl::MutexLock l(&mu_);
  return timers_.size();
}

bool DeadlineTimer::ShouldWake() const {
  return stop_ || poked_ ||
         (!timers_.empty() &&
          timers_.begin()->first.first < sleeping_until_ns_);
}

void DeadlineTimer::Run() {
  std::vector<absl::AnyInvocable<void()>> due;
  absl::MutexLock l(&mu_);
  while (!stop_) {
    poked_ = false;
    const int64_t now = clock_->MonotonicNanos();
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto node = timers_.extract(timers_.begin());
      deadlines_.erase(node.key().second);
      due.push_back(std::move(node.mapped()));
    }
    if (!due.empty()) {
      mu_.Unlock();
      for (auto& fn : due) fn();
      due.clear();
      mu_.Lock();
      continue;
    }
    sleeping_until_ns_ = timers_.empty() ? std::numeric_limits<int64_t>::max()
                                         : timers_.begin()->first.first;
    const int64_t wait_ns = timers_.empty() ? int64_t{3600} * 1'000'000'000
                                            : sleeping_until_ns_ - now;
    mu_.AwaitWithTimeout(absl::Condition(this, &DeadlineTimer::ShouldWake),
                         absl::Nanoseconds(wait_ns));
  }
}

}  // namespace rtai::broker
