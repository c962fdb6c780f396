#pragma once
// Creates the runtime operator of an ML node (rolling_features, score,
// learn, champion_challenger, drift). Called by
// engine/operators/operator_factory.cc for every node; returns nullptr when
// the node is not an ML operator.

#include <memory>

#include "absl/status/statusor.h"
#include "engine/graph/validated_graph.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

absl::StatusOr<std::unique_ptr<engine::runtime::Operator>> CreateMlOperator(
    const engine::graph::ValidatedGraph& graph, int node);

}  // namespace rtai::ml::ops
