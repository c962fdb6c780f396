#pragma once
// Synthetic labelled streams for tests and benchmarks (seeded, deterministic).
//
// SEA concepts (Street & Kim 2001): x in U[0,10]^3, y = x0 + x1 > theta,
// theta cycling through {8, 9, 7, 9.5} every `concept_length` examples,
// labels flipped with probability `noise` (accuracy ceiling 1 - noise).
// Rotating hyperplane (Hulten et al. 2001): x in U[0,1]^d,
// y = sum w_i x_i >= sum w_i / 2; the first `drift_features` weights move by
// `mag_change` per example, each reversing direction with probability
// `sigma`; labels flipped with probability `noise`.

#include <array>
#include <cstdint>
#include <vector>

#include "base/random.h"

namespace rtai::ml {

struct SeaExample {
  std::array<double, 3> x;
  bool y;
  int concept_index;
};

class SeaGenerator {
 public:
  SeaGenerator(uint64_t seed, uint64_t concept_length, double noise = 0.1)
      : rng_(seed), concept_length_(concept_length), noise_(noise) {}
  SeaExample Next();

 private:
  Random rng_;
  uint64_t concept_length_;
  double noise_;
  uint64_t emitted_ = 0;
};

struct HyperplaneExample {
  std::vector<double> x;
  bool y;
};

class HyperplaneGenerator {
 public:
  HyperplaneGenerator(uint64_t seed, uint32_t num_features,
                      uint32_t drift_features = 2, double mag_change = 0.001,
                      double sigma = 0.1, double noise = 0.05);
  // Fills `out` (reuses its storage).
  void Next(HyperplaneExample* out);

 private:
  Random rng_;
  std::vector<double> weights_;
  std::vector<double> direction_;
  uint32_t drift_features_;
  double mag_change_, sigma_, noise_;
};

}  // namespace rtai::ml
