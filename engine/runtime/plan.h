#pragma once
// Planning: operator chaining and task layout of a validated graph.
//
// A node is chained to its successor (they run in one task, records passed by
// function call, no channel) when the node has exactly one outgoing edge, it
// is the main output and FORWARD, and the successor has exactly one input
// edge and the same parallelism. Each chain runs as `parallelism` tasks.

#include <vector>

#include "engine/graph/validated_graph.h"

namespace rtai::engine::runtime {

struct Chain {
  std::vector<int> nodes;  // node indices, head first
  int parallelism = 1;
};

struct Plan {
  std::vector<Chain> chains;
  std::vector<int> chain_of_node;  // node index -> chain index
};

Plan PlanChains(const graph::ValidatedGraph& graph);

}  // namespace rtai::engine::runtime
