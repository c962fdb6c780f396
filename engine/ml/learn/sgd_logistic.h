#pragma once
// Online logistic regression trained by plain SGD with a constant learning
// rate and L2: w <- w - lr * ((p - y) x + l2 w); intercept not regularized.
// Constant rate tracks drifting concepts (unlike FTRL's decaying rates).
// Thread safety: none (one owner).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/learn/sparse_features.h"

namespace rtai::ml {

struct SgdOptions {
  double learning_rate = 0.01;    // Default: 0.01
  double l2 = 0.0;                // Default: 0 (L2 strength)
  uint32_t dimension = 1u << 20;  // Default: 2^20 (feature indices)
  absl::Status Validate() const;
};

class SgdLogistic {
 public:
  static constexpr uint32_t kMaxDimension = 1u
                                            << 24;  // dense state: 128 MiB max
  explicit SgdLogistic(const SgdOptions& options);  // options must Validate()

  double PredictProba(Features x) const;
  // Prequential step: returns P(y=1|x) from before the update, then learns.
  double Learn(Features x, bool label);

  double Weight(uint32_t index) const { return w_[index]; }  // dim: intercept
  const SgdOptions& options() const { return options_; }
  uint64_t updates() const { return updates_; }

  std::string Serialize() const;  // sparse: non-zero weights only
  static absl::StatusOr<SgdLogistic> Deserialize(absl::string_view bytes);

 private:
  SgdOptions options_;
  std::vector<double> w_;  // dimension + 1 (last = intercept)
  uint64_t updates_ = 0;
};

}  // namespace rtai::ml
