#include "engine/operators/operator_factory.h"

#include "base/status_macros.h"
#include "engine/ml/operators/ml_operator_factory.h"
#include "engine/operators/basic_operators.h"
#include "engine/operators/broker_sink.h"
#include "engine/operators/broker_source.h"
#include "engine/operators/interval_join_operator.h"
#include "engine/operators/nexmark_source.h"
#include "engine/operators/parse_operator.h"
#include "engine/operators/window_operator.h"

namespace rtai::engine::operators {

absl::StatusOr<std::unique_ptr<runtime::Operator>> CreateOperator(
    const graph::ValidatedGraph& g, int node) {
  const graph::ResolvedNode& n = g.nodes[node];
  const Schema* input = nullptr;
  if (!n.in_edges.empty()) {
    const graph::ResolvedEdge& e = g.edges[n.in_edges[0]];
    const graph::ResolvedNode& from = g.nodes[e.from];
    input = e.output.empty() ? from.output.get() : from.side_outputs.at(e.output).get();
  }
  const graph::OperatorConfig& c = n.config;
  ASSIGN_OR_RETURN(std::unique_ptr<runtime::Operator> ml, ml::ops::CreateMlOperator(g, node));
  if (ml != nullptr) return ml;
  if (auto* s = std::get_if<graph::SourceConfig>(&c)) {
    const bool checkpointing = g.proto.checkpoint().interval_ms() > 0;
    return std::unique_ptr<runtime::Operator>(new BrokerSource(*s, n.output.get(), checkpointing));
  }
  if (auto* x = std::get_if<graph::NexmarkSourceConfig>(&c)) {
    return std::unique_ptr<runtime::Operator>(new NexmarkSource(*x, n.output.get()));
  }
  if (auto* p = std::get_if<graph::ParseConfig>(&c)) {
    return std::unique_ptr<runtime::Operator>(new ParseOperator(*p, n.output.get()));
  }
  if (auto* f = std::get_if<graph::FilterConfig>(&c)) {
    ASSIGN_OR_RETURN(auto op, FilterOperator::Create(*f, input));
    return std::unique_ptr<runtime::Operator>(std::move(op));
  }
  if (auto* m = std::get_if<graph::MapConfig>(&c)) {
    ASSIGN_OR_RETURN(auto op, MapOperator::Create(*m, input, n.output.get()));
    return std::unique_ptr<runtime::Operator>(std::move(op));
  }
  if (std::holds_alternative<graph::KeyByConfig>(c) ||
      std::holds_alternative<graph::UnionConfig>(c)) {
    return std::unique_ptr<runtime::Operator>(new PassThroughOperator());
  }
  if (auto* j = std::get_if<graph::IntervalJoinConfig>(&c)) {
    const graph::ResolvedEdge& e1 = g.edges[n.in_edges[1]];
    const graph::ResolvedNode& from1 = g.nodes[e1.from];
    const Schema* right =
        e1.output.empty() ? from1.output.get() : from1.side_outputs.at(e1.output).get();
    return std::unique_ptr<runtime::Operator>(
        new IntervalJoinOperator(*j, input, right, n.output.get()));
  }
  if (auto* w = std::get_if<graph::WindowConfig>(&c)) {
    ASSIGN_OR_RETURN(auto op, WindowOperator::Create(*w, input, n.output.get()));
    return std::unique_ptr<runtime::Operator>(std::move(op));
  }
  if (auto* k = std::get_if<graph::SinkConfig>(&c)) {
    ASSIGN_OR_RETURN(auto op, BrokerSink::Create(*k, input));
    return std::unique_ptr<runtime::Operator>(std::move(op));
  }
  if (std::holds_alternative<graph::BlackholeConfig>(c)) {
    return std::unique_ptr<runtime::Operator>(new BlackholeSink());
  }
  return absl::InternalError("no operator for node " + n.uid);
}

}  // namespace rtai::engine::operators
