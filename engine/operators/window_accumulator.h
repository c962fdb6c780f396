#pragma once
// WindowAccumulator: the accumulators of all aggregates of one
// window_aggregate node for one (key, window or slice), as one byte string:
// a 64-byte slot per aggregate holding the engine/window accumulator struct
// (CountAgg, SumInt64Agg, MinAgg<T>, StddevAgg, FirstAgg<T>, ...), then one
// serialized HyperLogLog (precision 10) per approx_distinct aggregate.
// Host layout: state stays with its task (see engine/window/state_accumulator.h).
//
// It is also the state::StateAggregator of the node's AggregatingState, whose
// "input" is another accumulator (operators pre-aggregate a batch locally and
// merge once per (key, namespace)). Thread-safe: const methods only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/record/value.h"
#include "state/aggregating_state.h"

namespace rtai::engine::operators {

class WindowAccumulator : public state::StateAggregator {
 public:
  static constexpr size_t kSlotBytes = 64;
  static constexpr int kHllPrecision = 10;

  // `specs` must outlive the accumulator.
  explicit WindowAccumulator(const std::vector<graph::AggregateSpec>* specs);

  std::string CreateAccumulator() const override;
  // Adds one record: inputs[i] is aggregate i's argument (ignored for count
  // without an expression); nulls are skipped, as in SQL.
  void AddRecord(const Value* inputs, int64_t ts, int64_t seq, std::string* acc) const;
  // Finished values, one per aggregate, typed as AggregateSpec::output_type.
  absl::Status Results(std::string_view acc, std::vector<Value>* out) const;

  // state::StateAggregator: input is an accumulator.
  absl::Status Add(std::string_view input, std::string* acc) const override {
    return Merge(input, acc);
  }
  absl::Status Merge(std::string_view other, std::string* acc) const override;
  absl::Status GetResult(std::string_view acc, std::string* result) const override {
    result->assign(acc.data(), acc.size());
    return absl::OkStatus();
  }

 private:
  const std::vector<graph::AggregateSpec>* specs_;
  std::vector<size_t> hll_offset_;  // per aggregate; SIZE_MAX if not HLL
  size_t hll_bytes_ = 0;
  size_t size_ = 0;
};

}  // namespace rtai::engine::operators
