#pragma once
// score v1 (docs/JOBS.md): adds a registry model's output to every record
// (one `output` column; output_0.. for multi-class). The model was resolved
// and compiled at submission (ScoreConfig::model); rows are scored in chunks
// of batch_rows through the flat tree evaluator. Stateless except for the
// identity of its model, which SnapshotState records (NAME@VERSION and
// SHA-256). When the job's reference now resolves to another model (a new
// champion), RestoreState re-resolves the recorded version through
// OperatorContext::model_resolver and scores with it, so a replay scores as
// before; if that version is gone or reads other features it refuses the
// snapshot (FAILED_PRECONDITION) instead of silently scoring differently.

#include <memory>
#include <string>

#include "engine/ml/operators/ml_configs.h"
#include "engine/ml/operators/model_scorer.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

class ScoreOperator : public engine::runtime::Operator {
 public:
  // The schemas must outlive the operator.
  ScoreOperator(const ScoreConfig& config, const engine::Schema* input,
                const engine::Schema* output);

  absl::Status ProcessBatch(int input, std::unique_ptr<engine::runtime::Batch> batch,
                            engine::runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  ScoreConfig config_;
  const engine::Schema* input_;
  const engine::Schema* output_;
  ModelScorer scorer_;
  std::vector<const engine::Value*> chunk_;
  std::vector<double> scores_;
};

// Encodes / checks a model identity (NAME@VERSION + SHA-256) in operator state.
std::string EncodeModelIdentity(const ModelSpec& spec);
absl::Status CheckModelIdentity(std::string_view bytes, const ModelSpec& spec);

}  // namespace rtai::ml::ops
