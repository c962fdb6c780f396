#include "engine/operators/basic_operators.h"

#include "base/status_macros.h"

namespace rtai::engine::operators {

absl::StatusOr<std::unique_ptr<FilterOperator>> FilterOperator::Create(
    const graph::FilterConfig& config, const Schema* input) {
  ASSIGN_OR_RETURN(expr::Filter filter, expr::Filter::Compile(config.predicate, *input));
  return std::unique_ptr<FilterOperator>(new FilterOperator(std::move(filter), input));
}

absl::Status FilterOperator::ProcessBatch(int, std::unique_ptr<Batch> batch, Output* out) {
  auto result = std::make_unique<Batch>(schema_);
  const size_t n = batch->size();
  for (size_t i = 0; i < n; ++i) {
    const Value* row = batch->rows.row(i);
    if (filter_.Matches(row)) result->AppendRowCopy(row, batch->timestamps[i]);
  }
  if (result->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(result));
}

absl::StatusOr<std::unique_ptr<MapOperator>> MapOperator::Create(
    const graph::MapConfig& config, const Schema* input, const Schema* output) {
  ASSIGN_OR_RETURN(expr::Projection projection, expr::Projection::Compile(config.fields, *input));
  CHECK(projection.output_schema() == *output);
  return std::unique_ptr<MapOperator>(new MapOperator(std::move(projection), output));
}

absl::Status MapOperator::ProcessBatch(int, std::unique_ptr<Batch> batch, Output* out) {
  auto result = std::make_unique<Batch>(output_);
  // output_ equals the projection's schema (checked in Create): same layout.
  projection_.Apply(batch->rows, &result->rows);
  result->timestamps = std::move(batch->timestamps);
  return out->Emit(std::move(result));
}

}  // namespace rtai::engine::operators
