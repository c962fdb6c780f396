#pragma once
// Counter: a monotonically increasing int64 (records, bytes, requests).
// Increment is one relaxed atomic add on the calling thread's shard; no
// lock. Value() sums the shards (a consistent total once writers pause).
//
// Thread safety: all methods are thread-safe. Ownership: counters live in
// their Registry's families and stay valid for the Registry's lifetime.

#include <array>
#include <cstdint>

#include "base/check.h"
#include "base/metrics/shard.h"

namespace rtai::metrics {

class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // `n` must be >= 0 (counters never go down).
  void Increment(int64_t n = 1) {
    DCHECK_GE(n, 0);
    lines_[ThisThreadShard()].cells[0].fetch_add(n, std::memory_order_relaxed);
  }
  int64_t Value() const {
    int64_t total = 0;
    for (const CacheLine& line : lines_) {
      total += line.cells[0].load(std::memory_order_relaxed);
    }
    return total;
  }

 private:
  std::array<CacheLine, kShards> lines_;
};

}  // namespace rtai::metrics
