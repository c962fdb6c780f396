#pragma once
// Feature hashing for string (categorical) features: "name=value" is hashed
// with XXH64 (seeded, stable across platforms and releases) into one of
// num_buckets indices. Used by the learners and by hashed linear models.
// Thread safety: immutable, safe to share.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "base/check.h"

namespace rtai::ml {

class FeatureHasher {
 public:
  // num_buckets > 0 (a programmer error otherwise).
  FeatureHasher(uint32_t num_buckets, uint64_t seed)
      : num_buckets_(num_buckets), seed_(seed) {
    CHECK_GT(num_buckets, 0u);
  }
  uint32_t num_buckets() const { return num_buckets_; }
  uint64_t seed() const { return seed_; }

  // XXH64("name" 0x1F "value", seed) mod num_buckets.
  uint32_t Bucket(absl::string_view name, absl::string_view value) const;
  // XXH64 of raw bytes; exposed for tests and the format spec.
  static uint64_t Hash64(absl::string_view bytes, uint64_t seed);

 private:
  uint32_t num_buckets_;
  uint64_t seed_;
};

}  // namespace rtai::ml
