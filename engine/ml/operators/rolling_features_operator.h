#pragma once
// rolling_features v1 (docs/JOBS.md): per-key features over trailing
// event-time windows, computed per record in arrival order (a key's records
// arrive in order when the key is the partitioning key of an ordered topic):
//   count_<w>, <value>_<w>: records of the key with ts in (t - size_w, t]
//     among those kept (the current one included; sums from the oldest)
//   <value>_zscore: against the mean and population std of the key's earlier
//     values (0 with fewer than 2 or std 0); Welford, updated after the row
//   distance_km: haversine to the key's previous (lat, lon); 0 for the first
// Definitions equal engine/ml/python/train_fraud_champion.py's, so a model
// trained there sees the same features. A null value gives null features and
// leaves the state unchanged. State is in memory (max_keys keys, at most
// max_events_per_key records per key; older ones dropped and counted) and
// goes into checkpoints through SnapshotState/RestoreState.

#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

class RollingFeaturesOperator : public engine::runtime::Operator {
 public:
  // The schemas must outlive the operator.
  RollingFeaturesOperator(RollingFeaturesConfig config, const engine::Schema* input,
                          const engine::Schema* output);

  absl::Status ProcessBatch(int input, std::unique_ptr<engine::runtime::Batch> batch,
                            engine::runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  struct KeyState {
    std::deque<std::pair<int64_t, double>> window;  // (ts, value), arrival order
    uint64_t n = 0;
    double mean = 0, m2 = 0;
    bool has_last = false;
    double lat = 0, lon = 0;
  };
  absl::Status Compute(const engine::Value* in, int64_t ts, engine::Value* out);

  RollingFeaturesConfig config_;
  const engine::Schema* input_;
  const engine::Schema* output_;
  int64_t max_window_ms_ = 0;
  absl::flat_hash_map<std::string, KeyState> keys_;
  uint64_t dropped_events_ = 0;
};

// Great-circle distance in km (the trainer's formula: R = 6371).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace rtai::ml::ops
