#pragma once
// Stateless operators: filter, map (project), pass-through (key_by, union)
// and the blackhole sink. Thread safety: see runtime/operator.h.

#include <memory>

#include "engine/expr/row_functions.h"
#include "engine/graph/operator_config.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

using runtime::Batch;
using runtime::Output;

class FilterOperator : public runtime::Operator {
 public:
  static absl::StatusOr<std::unique_ptr<FilterOperator>> Create(
      const graph::FilterConfig& config, const Schema* input);
  absl::Status ProcessBatch(int input, std::unique_ptr<Batch> batch, Output* out) override;

 private:
  FilterOperator(expr::Filter filter, const Schema* schema)
      : filter_(std::move(filter)), schema_(schema) {}
  expr::Filter filter_;
  const Schema* schema_;
};

class MapOperator : public runtime::Operator {
 public:
  // `output` must equal the projection's schema and outlive the operator.
  static absl::StatusOr<std::unique_ptr<MapOperator>> Create(
      const graph::MapConfig& config, const Schema* input, const Schema* output);
  absl::Status ProcessBatch(int input, std::unique_ptr<Batch> batch, Output* out) override;

 private:
  MapOperator(expr::Projection projection, const Schema* output)
      : projection_(std::move(projection)), output_(output) {}
  expr::Projection projection_;
  const Schema* output_;
};

// key_by and union: records pass unchanged (key_by's work is the HASH exchange).
class PassThroughOperator : public runtime::Operator {
 public:
  absl::Status ProcessBatch(int, std::unique_ptr<Batch> batch, Output* out) override {
    return out->Emit(std::move(batch));
  }
};

class BlackholeSink : public runtime::Operator {
 public:
  absl::Status ProcessBatch(int, std::unique_ptr<Batch>, Output*) override {
    return absl::OkStatus();
  }
  absl::Status ProcessWatermark(int64_t, Output*) override { return absl::OkStatus(); }
};

}  // namespace rtai::engine::operators
