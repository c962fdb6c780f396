#pragma once
// learn v1 (docs/JOBS.md): prequential online learning. For every record it
// emits the learner's prediction made before seeing the label (`output`),
// then, when the label is 0/1 (bool or number), updates the learner; other
// labels (null, 2, NaN) only get the prediction and are counted as dropped.
// Labels typically come from a feedback topic joined to the features by
// event id (interval_join upstream; docs/examples/fraud_job.json).
// The learner state goes into checkpoints (SnapshotState/RestoreState);
// restore-then-continue equals an uninterrupted run bit for bit.

#include <memory>
#include <string>

#include "engine/ml/operators/ml_configs.h"
#include "engine/ml/operators/online_learner.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

class LearnOperator : public engine::runtime::Operator {
 public:
  // The schemas must outlive the operator.
  LearnOperator(const LearnConfig& config, const engine::Schema* input,
                const engine::Schema* output);

  absl::Status ProcessBatch(int input, std::unique_ptr<engine::runtime::Batch> batch,
                            engine::runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

  const OnlineLearner& learner() const { return learner_; }

 private:
  LearnConfig config_;
  const engine::Schema* input_;
  const engine::Schema* output_;
  OnlineLearner learner_;
};

// 0/1 label of a bool or numeric value; nullopt for null or anything else.
std::optional<bool> LabelOf(const engine::Value& v);

}  // namespace rtai::ml::ops
