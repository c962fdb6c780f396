#pragma once
// Validation of the interval_join operator's config (docs/JOBS.md).

#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/config_reader.h"
#include "engine/graph/operator_registry.h"

namespace rtai::engine::graph {

// Output schema: the left columns (each prefixed with left_prefix) then the
// right columns (right_prefix); names must end up unique.
absl::StatusOr<OperatorOutputs> ValidateIntervalJoin(
    ConfigReader& config, const std::vector<const Schema*>& inputs,
    const SchemaMap& schemas);

}  // namespace rtai::engine::graph
