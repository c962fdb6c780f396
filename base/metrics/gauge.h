#pragma once
// Gauge: an int64 that goes up and down (connections open, queue depth).
// One atomic word: gauges are set at state changes, not per record. For a
// value read at scrape time (log size) use Registry::AddCallbackGauge.
//
// Thread safety: all methods are thread-safe. Ownership: as Counter.

#include <atomic>
#include <cstdint>

namespace rtai::metrics {

class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace rtai::metrics
