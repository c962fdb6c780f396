#pragma once
// rtai's linear / logistic model format (JSON), see docs/ML.md:
//   {"format": "rtai.linear", "version": 1,
//    "objective": "binary:logistic" | "reg:squarederror",
//    "intercept": <number>,
//    "weights": {"<feature name>": <number>, ...},
//    "hashing": {"num_buckets": N, "seed": S, "weights": [N numbers]}}  //
//    optional
// Numeric features are weighted by name; string features, when "hashing" is
// present, add weights[FeatureHasher(N, S).Bucket(name, value)].
// Thread safety: immutable after load.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/ml/learn/feature_hasher.h"
#include "engine/ml/model/tree_ensemble.h"

namespace rtai::ml {

// A string feature: (name, value).
using StringFeature = std::pair<absl::string_view, absl::string_view>;

class LinearModel {
 public:
  // Default: 16M hashed weights max, 1M named weights max.
  static constexpr uint32_t kMaxBuckets = 16u << 20;
  static constexpr uint32_t kMaxNamedWeights = 1u << 20;

  static absl::StatusOr<LinearModel> FromJson(absl::string_view text);

  Objective objective() const { return objective_; }
  double intercept() const { return intercept_; }
  const std::vector<std::pair<std::string, double>>& weights() const {
    return weights_;
  }
  bool hashed() const { return hasher_.has_value(); }

  // Aligns the named weights with a row schema (feature names in row order).
  // A model feature absent from the schema is InvalidArgument (the model
  // would silently lose it); schema columns the model lacks get weight 0.
  absl::StatusOr<std::vector<double>> Bind(
      const std::vector<std::string>& schema) const;

  // Prediction for a row laid out as in Bind(); `bound` is Bind()'s result.
  // Applies the sigmoid for binary:logistic.
  double Predict(const std::vector<double>& bound, absl::Span<const float> row,
                 absl::Span<const StringFeature> strings = {}) const;

 private:
  Objective objective_ = Objective::kBinaryLogistic;
  double intercept_ = 0;
  std::vector<std::pair<std::string, double>> weights_;
  std::optional<FeatureHasher> hasher_;
  std::vector<double> hashed_weights_;
};

}  // namespace rtai::ml
