#pragma once
// OnlineLearner: an FTRL / SGD logistic regression or a Hoeffding tree with
// optional online standard scaling and hashed string features, reading its
// inputs from engine rows (LearnerSpec). Used by `learn` and as the online
// challenger of `champion_challenger`. Deterministic: the same rows in the
// same order give bit-identical predictions and weights. Null numeric
// features count as 0 after scaling (absent). Not thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/ml/learn/ftrl.h"
#include "engine/ml/learn/hoeffding_tree.h"
#include "engine/ml/learn/sgd_logistic.h"
#include "engine/ml/learn/standard_scaler.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/record/value.h"

namespace rtai::ml::ops {

// The learner's inputs extracted from one row (kept by operators that learn
// later, when the label arrives).
struct LearnerInput {
  std::vector<double> numeric;       // NaN = null
  std::vector<std::string> strings;  // hashed features ("" for null)
};

class OnlineLearner {
 public:
  explicit OnlineLearner(const LearnerSpec& spec);

  LearnerInput Extract(const engine::Value* row) const;
  double Predict(const LearnerInput& x) const;
  // Prequential: returns the prediction made before the update, then learns
  // (the scaler first, then the model on the scaled features).
  double Learn(const LearnerInput& x, bool label);
  uint64_t updates() const { return updates_; }
  // The model's coefficient for coordinate i (FTRL/SGD; i == dimension is
  // the intercept). 0 for the tree.
  double Weight(uint32_t i) const;

  std::string Serialize() const;
  absl::Status Restore(std::string_view bytes);  // replaces the state

 private:
  void Vectorize(const LearnerInput& x, std::vector<Feature>* out,
                 std::vector<double>* dense) const;

  LearnerSpec spec_;
  std::optional<StandardScaler> scaler_;
  std::optional<FtrlLogistic> ftrl_;
  std::optional<SgdLogistic> sgd_;
  std::optional<HoeffdingTree> tree_;
  uint64_t updates_ = 0;
  mutable std::vector<Feature> features_;  // scratch
  mutable std::vector<double> dense_;
};

}  // namespace rtai::ml::ops
