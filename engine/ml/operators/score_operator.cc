#include "engine/ml/operators/score_operator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/registry/model_registry.h"
#include "engine/ml/state_codec.h"
#include "engine/runtime/ml_metrics.h"

namespace rtai::ml::ops {
namespace {
constexpr StateTag kIdentityTag = static_cast<StateTag>(102);
constexpr uint16_t kVersion = 1;
}  // namespace

std::string EncodeModelIdentity(const ModelSpec& spec) {
  StateWriter w(kIdentityTag, kVersion);
  w.String(spec.resolved);
  w.String(spec.sha256);
  return w.Finish();
}

absl::Status CheckModelIdentity(std::string_view bytes, const ModelSpec& spec) {
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kIdentityTag, kVersion));
  std::string resolved, sha;
  RETURN_IF_ERROR(r.String(&resolved, 256));
  RETURN_IF_ERROR(r.String(&sha, 256));
  RETURN_IF_ERROR(r.Done());
  if (sha != spec.sha256) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the checkpoint was taken scoring with model ", resolved, " (sha256 ", sha,
        ") but the job now resolves `", spec.ref, "` to ", spec.resolved, " (sha256 ", spec.sha256,
        "); submit the job with `", resolved, "` to resume it"));
  }
  return absl::OkStatus();
}

ScoreOperator::ScoreOperator(const ScoreConfig& config, const engine::Schema* input,
                             const engine::Schema* output)
    : config_(config), input_(input), output_(output), scorer_(config.model) {}

absl::Status ScoreOperator::ProcessBatch(int, std::unique_ptr<engine::runtime::Batch> batch,
                                         engine::runtime::Output* out) {
  auto result = std::make_unique<engine::runtime::Batch>(output_);
  const size_t width = input_->num_fields();
  const size_t k = scorer_.num_outputs();
  for (size_t start = 0; start < batch->size(); start += config_.batch_rows) {
    const size_t end = std::min(batch->size(), start + static_cast<size_t>(config_.batch_rows));
    chunk_.clear();
    for (size_t i = start; i < end; ++i) chunk_.push_back(batch->rows.row(i));
    const int64_t t0 = ctx_.clock != nullptr ? ctx_.clock->MonotonicNanos() : 0;
    scorer_.ScoreRows(chunk_, &scores_);
    if (ctx_.ml_metrics != nullptr && ctx_.clock != nullptr) {
      const auto [name, version] = SplitModelId(config_.model.resolved);
      ctx_.ml_metrics->Scored(ctx_.job_id, name, version, static_cast<int64_t>(chunk_.size()),
                              ctx_.clock->MonotonicNanos() - t0);
    }
    for (size_t i = start; i < end; ++i) {
      const engine::Value* in = batch->rows.row(i);
      engine::Value* row = result->rows.AddRow();
      for (size_t c = 0; c < width; ++c) row[c] = result->rows.CopyValue(in[c]);
      for (size_t j = 0; j < k; ++j) row[width + j] = engine::Value::Double(scores_[(i - start) * k + j]);
      result->timestamps.push_back(batch->timestamps[i]);
    }
  }
  if (result->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(result));
}

absl::StatusOr<std::string> ScoreOperator::SnapshotState(int64_t) {
  return EncodeModelIdentity(config_.model);
}

absl::Status ScoreOperator::RestoreState(std::string_view bytes) {
  absl::Status same = CheckModelIdentity(bytes, config_.model);
  if (same.code() != absl::StatusCode::kFailedPrecondition || ctx_.model_resolver == nullptr) {
    return same;
  }
  // The job's reference moved on (e.g. a new champion) since the checkpoint:
  // score with the version the checkpoint recorded, if the registry still
  // has it and it reads the same features.
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kIdentityTag, kVersion));
  std::string resolved, sha;
  RETURN_IF_ERROR(r.String(&resolved, 256));
  RETURN_IF_ERROR(r.String(&sha, 256));
  auto model = ctx_.model_resolver->Resolve(resolved);
  if (!model.ok() || model->info.version.sha256 != sha) return same;
  auto loaded = LoadModelBytes(model->info.version.format, model->bytes);
  if (!loaded.ok()) return same;
  const auto* now = std::get_if<TreeEnsemble>(&config_.model.model->model);
  const auto* then = std::get_if<TreeEnsemble>(&loaded->model);
  if (now == nullptr || then == nullptr || now->num_features() != then->num_features() ||
      now->feature_names() != then->feature_names() || now->num_outputs() != then->num_outputs()) {
    return same;  // different inputs or outputs: cannot be swapped in
  }
  config_.model.resolved = resolved;
  config_.model.sha256 = sha;
  config_.model.model = std::make_shared<const LoadedModel>(*std::move(loaded));
  scorer_ = ModelScorer(config_.model);
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
