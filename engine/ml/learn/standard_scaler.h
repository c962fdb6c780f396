#pragma once
// Online standard scaler for a fixed number of numeric features: Welford's
// running mean and variance per feature; Transform gives (x - mean) / std
// (0 while a feature's variance is 0). Learn before Transform, as River does.
// Thread safety: none (one owner).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rtai::ml {

class StandardScaler {
 public:
  static constexpr uint32_t kMaxFeatures = 1u << 20;
  explicit StandardScaler(uint32_t num_features);  // 1..kMaxFeatures

  uint32_t num_features() const { return static_cast<uint32_t>(mean_.size()); }
  uint64_t count() const { return count_; }
  // x.size() == num_features() (CHECKed: schema mismatch is a bug).
  void Learn(absl::Span<const double> x);
  void Transform(absl::Span<const double> x, absl::Span<double> out) const;
  double mean(uint32_t i) const { return mean_[i]; }
  double variance(uint32_t i) const;

  std::string Serialize() const;
  static absl::StatusOr<StandardScaler> Deserialize(absl::string_view bytes);

 private:
  uint64_t count_ = 0;
  std::vector<double> mean_;
  std::vector<double> m2_;
};

}  // namespace rtai::ml
