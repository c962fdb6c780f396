#pragma once
// drift v1 (docs/JOBS.md): watches a labelled stream (e.g. the `labelled`
// side output of champion_challenger) and emits one drift event per
// detection:
//   - error stream: error = (prediction >= threshold) != label, fed to ADWIN,
//     Page-Hinkley and DDM (River's algorithms, engine/ml/drift/);
//   - features: each listed column's latest `window` values against a frozen
//     reference (its first `reference_size` values), every `check_every`
//     rows: PSI > psi_threshold or KS p-value < ks_p_value is a detection, and
//     the reference is then rebased to the current window (one event per
//     shift, not one per row).
// Output rows: detector ("adwin", "page_hinkley", "ddm", "psi", "ks"),
// feature (null for error detectors), event_time, statistic, threshold,
// observations. Rows with a null/non-0/1 label or null prediction are
// skipped (counted as dropped). All detector state is checkpointed.

#include <memory>
#include <string>
#include <vector>

#include "engine/ml/drift/adwin.h"
#include "engine/ml/drift/ddm.h"
#include "engine/ml/drift/distribution_tests.h"
#include "engine/ml/drift/page_hinkley.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

class DriftOperator : public engine::runtime::Operator {
 public:
  // The output schema must outlive the operator.
  DriftOperator(const DriftConfig& config, const engine::Schema* output);

  absl::Status ProcessBatch(int input, std::unique_ptr<engine::runtime::Batch> batch,
                            engine::runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  void Event(engine::runtime::Batch* out, const char* detector, const std::string* feature,
             int64_t ts, double statistic, double threshold);
  void CheckFeatures(engine::runtime::Batch* out, int64_t ts);

  DriftConfig config_;
  const engine::Schema* output_;
  Adwin adwin_;
  PageHinkley ph_;
  Ddm ddm_;
  std::vector<DistributionMonitor> monitors_;
  uint64_t observations_ = 0;
};

}  // namespace rtai::ml::ops
