#include "engine/window/hyperloglog.h"

#include <cmath>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/check.h"

namespace rtai::engine::window {

HyperLogLog::HyperLogLog(int precision)
    : precision_(precision), registers_(size_t{1} << precision, 0) {
  CHECK(precision >= kMinPrecision && precision <= kMaxPrecision);
}

void HyperLogLog::AddBytes(std::string_view bytes) {
  AddHash(XXH3_64bits(bytes.data(), bytes.size()));
}

void HyperLogLog::AddInt64(int64_t v) { AddHash(XXH3_64bits(&v, sizeof(v))); }

void HyperLogLog::AddHash(uint64_t hash) {
  const uint64_t index = hash >> (64 - precision_);
  const uint64_t rest = hash << precision_;
  // Rank = position of the first 1 bit in the remaining 64 - p bits, 1-based.
  const int max_rank = 64 - precision_ + 1;
  const int rank = rest == 0 ? max_rank : __builtin_clzll(rest) + 1;
  uint8_t& reg = registers_[index];
  if (rank > reg) reg = static_cast<uint8_t>(rank);
}

absl::Status HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.precision_ != precision_) {
    return absl::InvalidArgumentError(
        "cannot merge HyperLogLogs of different precision");
  }
  for (size_t i = 0; i < registers_.size(); ++i) {
    if (other.registers_[i] > registers_[i])
      registers_[i] = other.registers_[i];
  }
  return absl::OkStatus();
}

uint64_t HyperLogLog::Estimate() const {
  const double m = static_cast<double>(registers_.size());
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double alpha = registers_.size() == 16   ? 0.673
                       : registers_.size() == 32 ? 0.697
                       : registers_.size() == 64 ? 0.709
                                                 : 0.7213 / (1.0 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  // Small range: linear counting is more accurate while registers are empty.
  if (zeros != 0) {
    const double linear = m * std::log(m / zeros);
    if (linear <= 5.0 * m / 2.0 || estimate <= 5.0 * m / 2.0) estimate = linear;
  }
  return static_cast<uint64_t>(std::llround(estimate));
}

std::string HyperLogLog::Serialize() const {
  std::string out;
  out.reserve(1 + registers_.size());
  out.push_back(static_cast<char>(precision_));
  out.append(reinterpret_cast<const char*>(registers_.data()),
             registers_.size());
  return out;
}

absl::StatusOr<HyperLogLog> HyperLogLog::Deserialize(std::string_view bytes) {
  if (bytes.empty())
    return absl::InvalidArgumentError("hyperloglog: empty buffer");
  const int p = static_cast<uint8_t>(bytes[0]);
  if (p < kMinPrecision || p > kMaxPrecision) {
    return absl::InvalidArgumentError("hyperloglog: bad precision");
  }
  if (bytes.size() != 1 + (size_t{1} << p)) {
    return absl::InvalidArgumentError(
        "hyperloglog: wrong size for its precision");
  }
  HyperLogLog h(p);
  for (size_t i = 0; i < h.registers_.size(); ++i) {
    const auto r = static_cast<uint8_t>(bytes[1 + i]);
    if (r > 64 - p + 1)
      return absl::InvalidArgumentError("hyperloglog: register out of range");
    h.registers_[i] = r;
  }
  return h;
}

}  // namespace rtai::engine::window
