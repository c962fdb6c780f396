#pragma once
// Injected time. Nothing outside base/ reads the system clock directly: code
// takes a Clock* so tests can drive time (FakeClock) deterministically.

#include <atomic>
#include <cstdint>

namespace rtai {

// Thread-safe. Implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, milliseconds since the Unix epoch (record timestamps,
  // retention by time).
  virtual int64_t NowMillis() const = 0;
  // Monotonic time in nanoseconds, for durations and deadlines.
  virtual int64_t MonotonicNanos() const = 0;
};

// The process-wide real clock. Never destroyed.
Clock* SystemClock();

// A clock that moves only when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000)
      : now_ms_(now_ms), mono_ns_(0) {}
  int64_t NowMillis() const override { return now_ms_.load(); }
  int64_t MonotonicNanos() const override { return mono_ns_.load(); }
  void AdvanceMillis(int64_t ms) {
    now_ms_ += ms;
    mono_ns_ += ms * 1'000'000;
  }
  void SetMillis(int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> mono_ns_;
};

}  // namespace rtai
