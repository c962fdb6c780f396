#pragma once
// Creates the runtime operator of a validated node (runtime::OperatorFactory).

#include <memory>

#include "absl/status/statusor.h"
#include "engine/graph/validated_graph.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

absl::StatusOr<std::unique_ptr<runtime::Operator>> CreateOperator(
    const graph::ValidatedGraph& graph, int node);

}  // namespace rtai::engine::operators
