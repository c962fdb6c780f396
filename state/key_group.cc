#include "state/key_group.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/check.h"

namespace rtai::state {

uint16_t KeyGroupForKey(std::string_view key, uint32_t max_parallelism) {
  CHECK(max_parallelism >= 1 && max_parallelism <= kMaxParallelismLimit);
  return static_cast<uint16_t>(XXH3_64bits(key.data(), key.size()) %
                               max_parallelism);
}

KeyGroupRange KeyGroupRangeForTask(uint32_t max_parallelism,
                                   uint32_t parallelism, uint32_t task_index) {
  CHECK(parallelism >= 1 && parallelism <= max_parallelism &&
        task_index < parallelism);
  const uint64_t m = max_parallelism, p = parallelism, i = task_index;
  const auto first = static_cast<uint32_t>((i * m + p - 1) / p);
  const auto last = static_cast<uint32_t>(((i + 1) * m + p - 1) / p - 1);
  return KeyGroupRange{first, last};
}

uint32_t TaskForKeyGroup(uint32_t max_parallelism, uint32_t parallelism,
                         uint32_t key_group) {
  CHECK(key_group < max_parallelism);
  return static_cast<uint32_t>(uint64_t{key_group} * parallelism /
                               max_parallelism);
}

}  // namespace rtai::state
