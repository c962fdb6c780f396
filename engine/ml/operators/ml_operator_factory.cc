#include "engine/ml/operators/ml_operator_factory.h"

#include "engine/ml/operators/champion_challenger_operator.h"
#include "engine/ml/operators/drift_operator.h"
#include "engine/ml/operators/learn_operator.h"
#include "engine/ml/operators/rolling_features_operator.h"
#include "engine/ml/operators/score_operator.h"

namespace rtai::ml::ops {

using engine::Schema;
using engine::runtime::Operator;

namespace {

const Schema* InputSchema(const engine::graph::ValidatedGraph& g, int node, int input) {
  const engine::graph::ResolvedNode& n = g.nodes[node];
  const engine::graph::ResolvedEdge& e = g.edges[n.in_edges[input]];
  const engine::graph::ResolvedNode& from = g.nodes[e.from];
  return e.output.empty() ? from.output.get() : from.side_outputs.at(e.output).get();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Operator>> CreateMlOperator(
    const engine::graph::ValidatedGraph& g, int node) {
  const engine::graph::ResolvedNode& n = g.nodes[node];
  const engine::graph::OperatorConfig& c = n.config;
  if (auto* f = std::get_if<RollingFeaturesConfig>(&c)) {
    return std::unique_ptr<Operator>(
        new RollingFeaturesOperator(*f, InputSchema(g, node, 0), n.output.get()));
  }
  if (auto* s = std::get_if<ScoreConfig>(&c)) {
    return std::unique_ptr<Operator>(new ScoreOperator(*s, InputSchema(g, node, 0), n.output.get()));
  }
  if (auto* l = std::get_if<LearnConfig>(&c)) {
    return std::unique_ptr<Operator>(new LearnOperator(*l, InputSchema(g, node, 0), n.output.get()));
  }
  if (auto* cc = std::get_if<ChampionChallengerConfig>(&c)) {
    return std::unique_ptr<Operator>(new ChampionChallengerOperator(
        *cc, InputSchema(g, node, 0), InputSchema(g, node, 1), n.output.get(),
        n.side_outputs.at("audit").get(), n.side_outputs.at("labelled").get()));
  }
  if (auto* d = std::get_if<DriftConfig>(&c)) {
    return std::unique_ptr<Operator>(new DriftOperator(*d, n.output.get()));
  }
  return std::unique_ptr<Operator>();
}

}  // namespace rtai::ml::ops
