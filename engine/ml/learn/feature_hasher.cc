#include "engine/ml/learn/feature_hasher.h"

#define XXH_STATIC_LINKING_ONLY  // stack-allocated XXH64_state_t
#include <xxhash.h>

namespace rtai::ml {

uint64_t FeatureHasher::Hash64(absl::string_view bytes, uint64_t seed) {
  return XXH64(bytes.data(), bytes.size(), seed);
}

uint32_t FeatureHasher::Bucket(absl::string_view name,
                               absl::string_view value) const {
  XXH64_state_t state;
  XXH64_reset(&state, seed_);
  XXH64_update(&state, name.data(), name.size());
  const char sep = 0x1F;
  XXH64_update(&state, &sep, 1);
  XXH64_update(&state, value.data(), value.size());
  return static_cast<uint32_t>(XXH64_digest(&state) % num_buckets_);
}

}  // namespace rtai::ml
