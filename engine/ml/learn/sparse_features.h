#pragma once
// The feature vector the online learners take: (index, value) pairs, where
// indices come from a fixed schema or from FeatureHasher. Indices must be <
// the learner's dimension (checked: an out-of-range index is ignored and
// counted, never a crash — it is data).

#include <cmath>
#include <cstdint>

#include "absl/types/span.h"

namespace rtai::ml {

struct Feature {
  uint32_t index;
  double value;
};
using Features = absl::Span<const Feature>;

// Numerically safe logistic function.
inline double Sigmoid(double z) {
  if (z > 35) z = 35;
  if (z < -35) z = -35;
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace rtai::ml
