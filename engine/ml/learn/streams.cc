#include "engine/ml/learn/streams.h"

#include "base/check.h"

namespace rtai::ml {

SeaExample SeaGenerator::Next() {
  static constexpr double kThetas[4] = {8.0, 9.0, 7.0, 9.5};
  SeaExample e;
  e.concept_index = static_cast<int>((emitted_ / concept_length_) % 4);
  for (double& v : e.x) v = 10.0 * rng_.NextDouble();
  e.y = e.x[0] + e.x[1] > kThetas[e.concept_index];
  if (rng_.NextDouble() < noise_) e.y = !e.y;
  ++emitted_;
  return e;
}

HyperplaneGenerator::HyperplaneGenerator(uint64_t seed, uint32_t num_features,
                                         uint32_t drift_features,
                                         double mag_change, double sigma,
                                         double noise)
    : rng_(seed),
      weights_(num_features),
      direction_(num_features, 1.0),
      drift_features_(drift_features),
      mag_change_(mag_change),
      sigma_(sigma),
      noise_(noise) {
  CHECK_GT(num_features, 0u);
  CHECK_LE(drift_features, num_features);
  for (double& w : weights_) w = rng_.NextDouble();
}

void HyperplaneGenerator::Next(HyperplaneExample* out) {
  out->x.resize(weights_.size());
  double dot = 0, total = 0;
  for (size_t i = 0; i < weights_.size(); ++i) {
    out->x[i] = rng_.NextDouble();
    dot += weights_[i] * out->x[i];
    total += weights_[i];
  }
  out->y = dot >= 0.5 * total;
  if (rng_.NextDouble() < noise_) out->y = !out->y;
  for (uint32_t i = 0; i < drift_features_; ++i) {
    weights_[i] += direction_[i] * mag_change_;
    if (rng_.NextDouble() < sigma_) direction_[i] = -direction_[i];
  }
}

}  // namespace rtai::ml
