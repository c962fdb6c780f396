#include "base/metrics/histogram.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace rtai::metrics {

int ThisThreadShard() {
  static std::atomic<int> next{0};
  thread_local const int shard =
      next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

Histogram::Histogram(std::vector<int64_t> bounds) : bounds_(std::move(bounds)) {
  CHECK(!bounds_.empty());
  CHECK_LE(static_cast<int>(bounds_.size()), kMaxBuckets);
  for (size_t i = 1; i < bounds_.size(); ++i) CHECK_LT(bounds_[i - 1], bounds_[i]);
  const int cells = static_cast<int>(bounds_.size()) + 2;
  lines_per_shard_ = (cells + kCellsPerLine - 1) / kCellsPerLine;
  lines_ = std::make_unique<CacheLine[]>(kShards * lines_per_shard_);
}

void Histogram::Observe(int64_t value) {
  const int bucket = static_cast<int>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const int shard = ThisThreadShard();
  Cell(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  Cell(shard, static_cast<int>(bounds_.size()) + 1)
      .fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  const int buckets = static_cast<int>(bounds_.size()) + 1;
  s.bucket_counts.assign(buckets, 0);
  for (int shard = 0; shard < kShards; ++shard) {
    for (int b = 0; b < buckets; ++b) {
      s.bucket_counts[b] += Cell(shard, b).load(std::memory_order_relaxed);
    }
    s.sum += Cell(shard, buckets).load(std::memory_order_relaxed);
  }
  for (int64_t c : s.bucket_counts) s.count += c;
  return s;
}

std::vector<int64_t> ExponentialBounds(int64_t start, double factor, int count) {
  CHECK_GE(start, 1);
  CHECK_GT(factor, 1.0);
  CHECK(count >= 1 && count <= Histogram::kMaxBuckets);
  std::vector<int64_t> bounds;
  double v = static_cast<double>(start);
  for (int i = 0; i < count; ++i) {
    int64_t b = static_cast<int64_t>(std::llround(v));
    if (!bounds.empty() && b <= bounds.back()) b = bounds.back() + 1;
    bounds.push_back(b);
    v *= factor;
  }
  return bounds;
}

std::vector<int64_t> LatencyBoundsNanos() {
  return ExponentialBounds(50'000, 2.0, 20);
}

}  // namespace rtai::metrics
