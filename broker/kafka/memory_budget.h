#pragma once
// MemoryBudget: the server-wide cap on bytes of requests being read or
// handled. A connection charges a request's size *before* reading its body;
// when the budget is spent it waits (FIFO) and stops reading, so many
// connections with large requests cannot together exhaust memory. Bytes
// are released when the request's handler answers.
//
// Thread safety: all methods thread-safe. Waiter callbacks run on the
// thread calling Release(), without the lock held; they must not block.
// Waiters are bounded by the number of connections (one each).

#include <cstdint>
#include <deque>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace rtai::kafka {

class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Takes `n` bytes (n <= capacity) and returns true, or returns false and
  // runs `on_granted` once the bytes have been taken for the caller.
  bool AcquireOrWait(int64_t n, absl::AnyInvocable<void()> on_granted) {
    absl::MutexLock lock(&mu_);
    if (waiters_.empty() && used_ + n <= capacity_) {
      used_ += n;
      return true;
    }
    waiters_.emplace_back(n, std::move(on_granted));
    return false;
  }

  void Release(int64_t n) {
    std::deque<absl::AnyInvocable<void()>> granted;
    {
      absl::MutexLock lock(&mu_);
      used_ -= n;
      while (!waiters_.empty() && used_ + waiters_.front().first <= capacity_) {
        used_ += waiters_.front().first;
        granted.push_back(std::move(waiters_.front().second));
        waiters_.pop_front();
      }
    }
    for (auto& g : granted) g();
  }

  int64_t used() const {
    absl::MutexLock lock(&mu_);
    return used_;
  }
  int waiters() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(waiters_.size());
  }

 private:
  const int64_t capacity_;
  mutable absl::Mutex mu_;
  int64_t used_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::pair<int64_t, absl::AnyInvocable<void()>>> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::kafka
