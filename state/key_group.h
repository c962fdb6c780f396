#pragma once
// Key groups: the unit of keyed-state partitioning and rescaling (as in
// Flink). A key belongs to key group XXH3_64(serialized key) % max_parallelism;
// max_parallelism is fixed for the life of a job, so a key never changes
// group, and rescaling moves whole key groups (contiguous key ranges in
// RocksDB, because every state key starts with its key group).

#include <cstdint>
#include <string_view>

namespace rtai::state {

// Largest allowed max_parallelism; key group 0xFFFF is reserved for
// metadata entries, so groups must stay below it.
inline constexpr uint32_t kMaxParallelismLimit = 32768;

// Key group of a serialized key. max_parallelism in [1, kMaxParallelismLimit].
uint16_t KeyGroupForKey(std::string_view key, uint32_t max_parallelism);

// The contiguous key groups [first, last] owned by task `task_index` of
// `parallelism` tasks (Flink's assignment: groups are split as evenly as
// possible, in order). parallelism in [1, max_parallelism].
struct KeyGroupRange {
  uint32_t first;
  uint32_t last;  // inclusive
};
KeyGroupRange KeyGroupRangeForTask(uint32_t max_parallelism,
                                   uint32_t parallelism, uint32_t task_index);
// The task that owns `key_group` under the same assignment.
uint32_t TaskForKeyGroup(uint32_t max_parallelism, uint32_t parallelism,
                         uint32_t key_group);

}  // namespace rtai::state
