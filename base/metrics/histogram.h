#pragma once
// Histogram: counts of int64 observations in fixed buckets (Prometheus
// cumulative `le` buckets plus +Inf), with their sum. Observations are in a
// raw integer unit (nanoseconds, records); the Registry scales bounds and
// sum when rendering (e.g. 1e-9 for seconds). Observe is a binary search
// over the bounds and two relaxed atomic adds on the calling thread's shard.
//
// Thread safety: all methods are thread-safe. A snapshot taken while
// writers run may show the sum and the counts a few observations apart;
// _count always equals the +Inf bucket (both come from the same cells).

#include <cstdint>
#include <memory>
#include <vector>

#include "base/metrics/shard.h"

namespace rtai::metrics {

class Histogram {
 public:
  // `bounds`: strictly increasing inclusive upper bounds, 1..kMaxBuckets of
  // them (CHECKed: programmer error).
  explicit Histogram(std::vector<int64_t> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  static constexpr int kMaxBuckets = 64;

  void Observe(int64_t value);

  struct Snapshot {
    std::vector<int64_t> bucket_counts;  // per bucket, NOT cumulative; last = +Inf
    int64_t count = 0;
    int64_t sum = 0;
  };
  Snapshot Read() const;
  const std::vector<int64_t>& bounds() const { return bounds_; }

 private:
  std::atomic<int64_t>& Cell(int shard, int index) const {
    return lines_[shard * lines_per_shard_ + index / kCellsPerLine]
        .cells[index % kCellsPerLine];
  }

  const std::vector<int64_t> bounds_;
  int lines_per_shard_;  // cells per shard: buckets + 1 (+Inf) + 1 (sum)
  std::unique_ptr<CacheLine[]> lines_;
};

// `count` bounds start, start*factor, start*factor^2, ... (rounded, kept
// strictly increasing). start >= 1, factor > 1, 1 <= count <= kMaxBuckets.
std::vector<int64_t> ExponentialBounds(int64_t start, double factor, int count);

// Latency buckets in nanoseconds: 50us .. ~26s, factor 2 (20 buckets).
std::vector<int64_t> LatencyBoundsNanos();

}  // namespace rtai::metrics
