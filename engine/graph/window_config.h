#pragma once
// Validation of the window_aggregate operator's config (docs/JOBS.md).

#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/config_reader.h"
#include "engine/graph/operator_registry.h"

namespace rtai::engine::graph {

// Output schema: the key columns, then `window_start` and `window_end`
// (timestamp; not for count windows), then one column per aggregate.
// Side output "late": records beyond allowed lateness, input schema.
absl::StatusOr<OperatorOutputs> ValidateWindow(
    ConfigReader& config, const std::vector<const Schema*>& inputs,
    const SchemaMap& schemas);

}  // namespace rtai::engine::graph
