#pragma once
// HyperLogLog approximate distinct count (Flajolet et al. 2007, with the
// small-range linear-counting correction of Heule et al. 2013). 2^precision
// one-byte registers; relative standard error ~ 1.04 / sqrt(2^precision)
// (precision 12: 4 KiB, ~1.6%). Mergeable (register-wise max), so slices and
// sessions combine exactly. Serializes to 1 + 2^precision bytes for state.
// Not thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rtai::engine::window {

class HyperLogLog {
 public:
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 16;

  // precision in [kMinPrecision, kMaxPrecision] (CHECKed: a programming
  // choice).
  explicit HyperLogLog(int precision = 12);

  // Adds a value by its bytes (hashed with XXH3-64).
  void AddBytes(std::string_view bytes);
  void AddInt64(int64_t v);
  // Adds a precomputed 64-bit hash.
  void AddHash(uint64_t hash);
  // Folds `other` in; kInvalidArgument if the precisions differ.
  absl::Status Merge(const HyperLogLog& other);
  // The estimated number of distinct values added.
  uint64_t Estimate() const;

  int precision() const { return precision_; }
  std::string Serialize() const;
  // kInvalidArgument on a malformed buffer (wrong size, bad precision,
  // register out of range).
  static absl::StatusOr<HyperLogLog> Deserialize(std::string_view bytes);

 private:
  int precision_;
  std::vector<uint8_t> registers_;
};

}  // namespace rtai::engine::window
