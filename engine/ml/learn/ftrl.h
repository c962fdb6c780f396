#pragma once
// Online logistic regression trained by FTRL-Proximal (McMahan et al. 2013):
// per-coordinate learning rates, L1 (sparsity) and L2. Per coordinate i with
// gradient g_i = (p - y) x_i:
//   sigma = (sqrt(n_i + g_i^2) - sqrt(n_i)) / alpha
//   z_i += g_i - sigma w_i;  n_i += g_i^2
//   w_i = 0 if |z_i| <= l1 else -(z_i - sgn(z_i) l1) / ((beta + sqrt(n_i)) /
//   alpha + l2)
// The intercept is one more coordinate with x = 1 (not L1-penalized).
// Thread safety: none (one owner, e.g. an operator instance).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/learn/sparse_features.h"

namespace rtai::ml {

struct FtrlOptions {
  double alpha = 0.1;             // Default: 0.1 (learning-rate scale)
  double beta = 1.0;              // Default: 1.0 (learning-rate smoothing)
  double l1 = 0.0;                // Default: 0 (L1 strength)
  double l2 = 1.0;                // Default: 1.0 (L2 strength)
  uint32_t dimension = 1u << 20;  // Default: 2^20 (feature indices)
  absl::Status Validate() const;
};

class FtrlLogistic {
 public:
  static constexpr uint32_t kMaxDimension =
      1u << 24;  // dense state: 2 x 128 MiB max
  // Options must Validate() (a programmer error otherwise).
  explicit FtrlLogistic(const FtrlOptions& options);

  double PredictProba(Features x) const;
  // Prequential step: returns P(y=1|x) from before the update, then learns.
  // Learns from at most the first 4096 features of an example; the rest and
  // indices >= dimension are counted in dropped_features().
  double Learn(Features x, bool label);

  double Weight(uint32_t index) const;  // index == dimension: intercept
  uint64_t updates() const { return updates_; }
  uint64_t dropped_features() const { return dropped_; }
  const FtrlOptions& options() const { return options_; }

  // Snapshot as an "rtai.linear" v1 model (docs/ML.md), for the registry or
  // a challenger. With feature_names (size == dimension) coordinate i is the
  // weight of feature_names[i]; with none, the coordinates are the hashed
  // buckets of FeatureHasher(dimension, hash_seed) (string features valued
  // 1.0). Other sizes are InvalidArgument.
  absl::StatusOr<std::string> ExportLinearModelJson(
      const std::vector<std::string>& feature_names, uint64_t hash_seed) const;

  // Stores options and every coordinate with n_i != 0 (sparse).
  std::string Serialize() const;
  static absl::StatusOr<FtrlLogistic> Deserialize(absl::string_view bytes);

 private:
  double WeightFromState(uint32_t i, bool penalize) const;
  double Margin(Features x, double* w_cache) const;

  FtrlOptions options_;
  std::vector<double> z_;  // dimension + 1 (last = intercept)
  std::vector<double> n_;
  uint64_t updates_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace rtai::ml
