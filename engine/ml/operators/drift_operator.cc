#include "engine/ml/operators/drift_operator.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/learn_operator.h"
#include "engine/ml/operators/model_scorer.h"
#include "engine/ml/state_codec.h"
#include "engine/runtime/ml_metrics.h"

namespace rtai::ml::ops {
namespace {

using engine::Value;

constexpr StateTag kTag = static_cast<StateTag>(103);
constexpr uint16_t kVersion = 1;
constexpr uint64_t kMaxNestedBytes = 1ull << 30;

}  // namespace

DriftOperator::DriftOperator(const DriftConfig& config, const engine::Schema* output)
    : config_(config),
      output_(output),
      adwin_(config.adwin_options),
      ph_(config.ph_options),
      ddm_(config.ddm_options),
      monitors_(config.feature_columns.size(), DistributionMonitor(config.monitor)) {}

void DriftOperator::Event(engine::runtime::Batch* out, const char* detector,
                          const std::string* feature, int64_t ts, double statistic,
                          double threshold) {
  Value* row = out->rows.AddRow();
  row[0] = Value::String(out->rows.CopyBytes(detector));
  if (feature != nullptr) row[1] = Value::String(out->rows.CopyBytes(*feature));
  row[2] = Value::Timestamp(ts);
  row[3] = Value::Double(statistic);
  row[4] = Value::Double(threshold);
  row[5] = Value::Int64(static_cast<int64_t>(observations_));
  out->timestamps.push_back(ts);
  if (ctx_.ml_metrics != nullptr) {  // the dashboard's model events (model = this node)
    ctx_.ml_metrics->DriftDetected(ctx_.uid, 0, detector,
                                   absl::StrCat(feature != nullptr ? *feature + " " : "",
                                                "statistic ", statistic));
  }
}

void DriftOperator::CheckFeatures(engine::runtime::Batch* out, int64_t ts) {
  for (size_t f = 0; f < monitors_.size(); ++f) {
    DistributionMonitor& m = monitors_[f];
    if (!m.ready()) continue;
    const double psi = m.Psi();
    const KsResult ks = m.Ks();
    bool shifted = false;
    if (psi > config_.psi_threshold) {
      Event(out, "psi", &config_.feature_names[f], ts, psi, config_.psi_threshold);
      shifted = true;
    }
    if (ks.p_value < config_.ks_p_value) {
      Event(out, "ks", &config_.feature_names[f], ts, ks.statistic, config_.ks_p_value);
      shifted = true;
    }
    if (shifted) m.RebaseReference();
  }
}

absl::Status DriftOperator::ProcessBatch(int, std::unique_ptr<engine::runtime::Batch> batch,
                                         engine::runtime::Output* out) {
  auto events = std::make_unique<engine::runtime::Batch>(output_);
  int64_t dropped = 0;
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* in = batch->rows.row(i);
    const int64_t ts = batch->timestamps[i];
    const double p = ValueAsDouble(in[config_.prediction_column]);
    const std::optional<bool> label = LabelOf(in[config_.label_column]);
    if (std::isnan(p) || !label.has_value()) {
      ++dropped;
      continue;
    }
    ++observations_;
    const bool error = (p >= config_.threshold) != *label;
    if (config_.adwin && adwin_.Update(error ? 1.0 : 0.0)) {
      Event(events.get(), "adwin", nullptr, ts, adwin_.estimation(), config_.adwin_options.delta);
    }
    if (config_.page_hinkley && ph_.Update(error ? 1.0 : 0.0)) {
      Event(events.get(), "page_hinkley", nullptr, ts, error ? 1.0 : 0.0,
            config_.ph_options.threshold);
    }
    if (config_.ddm && ddm_.Update(error)) {
      Event(events.get(), "ddm", nullptr, ts, error ? 1.0 : 0.0,
            config_.ddm_options.drift_threshold);
    }
    for (size_t f = 0; f < monitors_.size(); ++f) {
      const double x = ValueAsDouble(in[config_.feature_columns[f]]);
      if (!std::isnan(x)) monitors_[f].Add(x);
    }
    if (!monitors_.empty() && observations_ % config_.check_every == 0) {
      CheckFeatures(events.get(), ts);
    }
  }
  if (dropped > 0 && ctx_.metrics != nullptr) {
    ctx_.metrics->records_dropped.fetch_add(dropped, std::memory_order_relaxed);
  }
  if (events->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(events));
}

absl::StatusOr<std::string> DriftOperator::SnapshotState(int64_t) {
  StateWriter w(kTag, kVersion);
  w.U64(observations_);
  w.Nested(adwin_.Serialize());
  w.Nested(ph_.Serialize());
  w.Nested(ddm_.Serialize());
  w.U32(static_cast<uint32_t>(monitors_.size()));
  for (const DistributionMonitor& m : monitors_) w.Nested(m.Serialize());
  return w.Finish();
}

absl::Status DriftOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kTag, kVersion));
  uint64_t observations = 0;
  std::string nested;
  RETURN_IF_ERROR(r.U64(&observations));
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  ASSIGN_OR_RETURN(Adwin adwin, Adwin::Deserialize(nested));
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  ASSIGN_OR_RETURN(PageHinkley ph, PageHinkley::Deserialize(nested));
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  ASSIGN_OR_RETURN(Ddm ddm, Ddm::Deserialize(nested));
  uint32_t n = 0;
  RETURN_IF_ERROR(r.U32(&n));
  if (n != monitors_.size()) return CorruptState("drift", "feature count differs from the configuration");
  std::vector<DistributionMonitor> monitors;
  for (uint32_t i = 0; i < n; ++i) {
    RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
    ASSIGN_OR_RETURN(DistributionMonitor m, DistributionMonitor::Deserialize(nested));
    monitors.push_back(std::move(m));
  }
  RETURN_IF_ERROR(r.Done());
  observations_ = observations;
  adwin_ = std::move(adwin);
  ph_ = std::move(ph);
  ddm_ = std::move(ddm);
  monitors_ = std::move(monitors);
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
