#pragma once
// IntervalJoinOperator (interval_join v1): joins input 0 (left) and input 1
// (right) on equal keys where right.ts is in [left.ts + lower_bound_ms,
// left.ts + upper_bound_ms] (Flink's interval join). Each side's records are
// buffered per key; a new record is matched against the other side's buffer
// and then buffered itself. Records behind the watermark are late: dropped
// and counted. A left record is dropped from its buffer once the watermark
// passes ts + upper_bound_ms (no right record can still match), a right one
// once it passes ts - lower_bound_ms. Output rows: left columns then right
// columns; event time max(left.ts, right.ts).
// Buffers are in memory (bounded by the watermark's progress), not yet in
// RocksDB. Checkpoints: SnapshotState writes the watermark and both buffers
// (cleanup timers are derived from them on restore).
// Thread safety: runtime/operator.h.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/graph/operator_config.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class IntervalJoinOperator : public runtime::Operator {
 public:
  // The schemas must outlive the operator.
  IntervalJoinOperator(graph::IntervalJoinConfig config, const Schema* left, const Schema* right,
                       const Schema* output);
  ~IntervalJoinOperator() override;

  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t watermark, runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  struct OwnedRow;
  using Buffer = std::multimap<int64_t, std::unique_ptr<OwnedRow>>;
  struct KeyBuffers {
    Buffer side[2];
  };
  struct Cleanup {
    int64_t time;
    int side;
    std::string key;
    int64_t ts;
    friend bool operator<(const Cleanup& a, const Cleanup& b) {
      return std::tie(a.time, a.side, a.key, a.ts) < std::tie(b.time, b.side, b.key, b.ts);
    }
  };
  void Join(const Value* left, int64_t left_ts, const Value* right, int64_t right_ts);

  graph::IntervalJoinConfig config_;
  const Schema* schemas_[2];
  const Schema* output_;
  int64_t watermark_ = runtime::kMinWatermark;
  absl::flat_hash_map<std::string, KeyBuffers> keys_;
  std::set<Cleanup> cleanups_;
  std::unique_ptr<runtime::Batch> pending_;
};

}  // namespace rtai::engine::operators
