#pragma once
// Per-thread sharding for metric cells. A hot-path increment touches only
// the calling thread's shard (one relaxed atomic add on its own cache line),
// so concurrent producers never contend on one counter word or a lock;
// readers sum the shards at scrape time.

#include <atomic>
#include <cstdint>

namespace rtai::metrics {

// Shards per metric. Threads are numbered at first use; thread i uses shard
// i % kShards, so up to kShards threads never share a cache line.
inline constexpr int kShards = 8;
inline constexpr int kCellsPerLine = 8;  // 8 x int64 = one 64-byte line

struct alignas(64) CacheLine {
  std::atomic<int64_t> cells[kCellsPerLine] = {};
};
static_assert(sizeof(CacheLine) == 64);

// The calling thread's shard index in [0, kShards).
int ThisThreadShard();

}  // namespace rtai::metrics
