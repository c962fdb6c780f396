#pragma once
// A bounded multi-producer multi-consumer FIFO. Full-policy: Push blocks
// until there is room or the queue is closed; TryPush fails instead. Close()
// wakes everyone; after it, Push fails and Pop drains what is left, then
// returns nullopt. Thread-safe.

#include <cstddef>
#include <deque>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/check.h"

namespace rtai {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {
    CHECK_GT(capacity, 0u);
  }

  // Blocks while full. Returns false if the queue is closed.
  bool Push(T item) {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(this, &BoundedQueue::HasRoomOrClosed));
    if (closed_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  // Returns false when full or closed; `item` is untouched then.
  bool TryPush(T& item) {
    absl::MutexLock l(&mu_);
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  // Blocks until an item is there or the queue is closed and empty.
  std::optional<T> Pop() {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(this, &BoundedQueue::NonEmptyOrClosed));
    return PopLocked();
  }
  // Waits at most `timeout`; nullopt on timeout or closed-and-empty.
  std::optional<T> PopWithTimeout(absl::Duration timeout) {
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &BoundedQueue::NonEmptyOrClosed),
                         timeout);
    return PopLocked();
  }
  void Close() {
    absl::MutexLock l(&mu_);
    closed_ = true;
  }
  size_t size() const {
    absl::MutexLock l(&mu_);
    return items_.size();
  }
  size_t capacity() const { return capacity_; }

 private:
  std::optional<T> PopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  bool HasRoomOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || items_.size() < capacity_;
  }
  bool NonEmptyOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || !items_.empty();
  }

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<T> items_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace rtai
