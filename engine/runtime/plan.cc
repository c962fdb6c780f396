#include "engine/runtime/plan.h"

namespace rtai::engine::runtime {

Plan PlanChains(const graph::ValidatedGraph& g) {
  Plan plan;
  plan.chain_of_node.assign(g.nodes.size(), -1);
  for (size_t start = 0; start < g.nodes.size(); ++start) {
    if (plan.chain_of_node[start] >= 0) continue;
    Chain chain;
    chain.parallelism = g.nodes[start].parallelism;
    int n = static_cast<int>(start);
    while (true) {
      chain.nodes.push_back(n);
      plan.chain_of_node[n] = static_cast<int>(plan.chains.size());
      const graph::ResolvedNode& node = g.nodes[n];
      if (node.out_edges.size() != 1) break;
      const graph::ResolvedEdge& e = g.edges[node.out_edges[0]];
      const graph::ResolvedNode& next = g.nodes[e.to];
      if (!e.output.empty() || e.partitioning != job::FORWARD || next.in_edges.size() != 1 ||
          next.parallelism != node.parallelism || plan.chain_of_node[e.to] >= 0) {
        break;
      }
      n = e.to;
    }
    plan.chains.push_back(std::move(chain));
  }
  return plan;
}

}  // namespace rtai::engine::runtime
