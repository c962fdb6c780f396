#include "engine/ml/operators/learn_operator.h"

#include "engine/ml/operators/model_scorer.h"

namespace rtai::ml::ops {

std::optional<bool> LabelOf(const engine::Value& v) {
  const double d = ValueAsDouble(v);
  if (d == 0.0) return false;
  if (d == 1.0) return true;
  return std::nullopt;
}

LearnOperator::LearnOperator(const LearnConfig& config, const engine::Schema* input,
                             const engine::Schema* output)
    : config_(config), input_(input), output_(output), learner_(config.learner) {}

absl::Status LearnOperator::ProcessBatch(int, std::unique_ptr<engine::runtime::Batch> batch,
                                         engine::runtime::Output* out) {
  auto result = std::make_unique<engine::runtime::Batch>(output_);
  const size_t width = input_->num_fields();
  int64_t dropped = 0;
  for (size_t i = 0; i < batch->size(); ++i) {
    const engine::Value* in = batch->rows.row(i);
    const LearnerInput x = learner_.Extract(in);
    const std::optional<bool> label = LabelOf(in[config_.label_column]);
    double p;
    if (label.has_value()) {
      p = learner_.Learn(x, *label);
    } else {
      p = learner_.Predict(x);
      ++dropped;
    }
    engine::Value* row = result->rows.AddRow();
    for (size_t c = 0; c < width; ++c) row[c] = result->rows.CopyValue(in[c]);
    row[width] = engine::Value::Double(p);
    result->timestamps.push_back(batch->timestamps[i]);
  }
  if (dropped > 0 && ctx_.metrics != nullptr) {
    ctx_.metrics->records_dropped.fetch_add(dropped, std::memory_order_relaxed);
  }
  if (result->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(result));
}

absl::StatusOr<std::string> LearnOperator::SnapshotState(int64_t) { return learner_.Serialize(); }

absl::Status LearnOperator::RestoreState(std::string_view bytes) { return learner_.Restore(bytes); }

}  // namespace rtai::ml::ops
