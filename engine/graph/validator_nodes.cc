// Node and edge resolution for ValidateJobGraph (validator.cc): runs each
// operator's config validation in topological order so that every node sees
// its inputs' schemas, then resolves edge partitioning.
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/expr/expression.h"
#include "engine/graph/operator_registry.h"
#include "engine/graph/validator.h"

namespace rtai::engine::graph {
namespace {

absl::Status Invalid(const std::string& msg) { return absl::InvalidArgumentError(msg); }

// The schema an edge carries, or an error if `from` has no such output.
absl::StatusOr<const Schema*> EdgeSchema(const ResolvedNode& from, const job::Edge& e,
                                         int edge_index) {
  if (e.output().empty()) {
    if (from.output == nullptr) {
      return Invalid(absl::StrCat("edges[", edge_index, "]: node `", from.uid,
                                  "` is a sink and has no output"));
    }
    return from.output.get();
  }
  auto it = from.side_outputs.find(e.output());
  if (it == from.side_outputs.end()) {
    return Invalid(absl::StrCat("edges[", edge_index, "]: node `", from.uid, "` (", from.op,
                                ") has no output `", e.output(), "`"));
  }
  return it->second.get();
}

absl::Status ResolveEdge(const job::Edge& e, int edge_index, const ValidatedGraph& g,
                         ResolvedEdge* out) {
  const ResolvedNode& from = g.nodes[out->from];
  const ResolvedNode& to = g.nodes[out->to];
  const std::string ctx = absl::StrCat("edges[", edge_index, "] (", from.uid, " -> ", to.uid, ")");
  job::Partitioning p = e.partitioning();
  std::vector<std::string> key(e.key().begin(), e.key().end());
  const auto* key_by = std::get_if<KeyByConfig>(&from.config);
  const auto* window = std::get_if<WindowConfig>(&to.config);
  const auto* join = std::get_if<IntervalJoinConfig>(&to.config);
  // The key a keyed operator downstream needs on this edge (empty: none).
  std::vector<std::string> needed;
  if (window != nullptr) needed = window->key;
  if (join != nullptr) needed = out->input_index == 0 ? join->left_key : join->right_key;
  if (p == job::PARTITIONING_UNSPECIFIED) {
    if (key_by != nullptr || (!needed.empty() && to.parallelism > 1)) {
      p = job::HASH;
    } else {
      p = from.parallelism == to.parallelism ? job::FORWARD : job::REBALANCE;
    }
  }
  if (p == job::FORWARD && from.parallelism != to.parallelism) {
    return Invalid(absl::StrCat(ctx, ": FORWARD needs equal parallelism, got ",
                                from.parallelism, " and ", to.parallelism));
  }
  if (p != job::HASH && !key.empty()) {
    return Invalid(absl::StrCat(ctx, ": `key` is only for HASH edges"));
  }
  if (p == job::HASH && key.empty()) {
    if (key_by != nullptr) key = key_by->key;
    else key = needed;
    if (key.empty()) {
      return Invalid(absl::StrCat(ctx, ": HASH needs a key (the edge's `key`, a key_by "
                                       "upstream or a keyed window downstream)"));
    }
  }
  ASSIGN_OR_RETURN(const Schema* schema, EdgeSchema(from, e, edge_index));
  for (const std::string& k : key) {
    auto compiled = expr::Expression::Compile(k, *schema);
    if (!compiled.ok()) {
      return Invalid(absl::StrCat(ctx, ": key `", k, "`: ", compiled.status().message()));
    }
  }
  // A keyed operator with parallelism > 1 must receive records hashed by its key.
  if (!needed.empty() && to.parallelism > 1 && (p != job::HASH || key != needed)) {
    return Invalid(absl::StrCat(ctx, ": a keyed ", to.op, " with parallelism > 1 needs "
                                     "a HASH edge on its key"));
  }
  out->partitioning = p;
  out->key = std::move(key);
  out->output = e.output();
  return absl::OkStatus();
}

absl::Status ResolveNode(const job::JobGraph& g, int proto_index, const SchemaMap& schemas,
                         const SubmitServices& services,
                         const std::vector<int>& in_edges, ValidatedGraph* out,
                         const std::vector<int>& position) {
  const job::Node& n = g.nodes(proto_index);
  const OperatorSpec* spec = FindOperator(n.operator_());
  ResolvedNode node;
  node.uid = n.uid();
  node.op = n.operator_();
  node.op_version = n.operator_version() == 0 ? spec->latest_version : n.operator_version();
  node.parallelism = n.parallelism() != 0 ? n.parallelism()
                     : g.default_parallelism() != 0 ? g.default_parallelism() : 1;
  const std::string ctx = absl::StrCat("node `", n.uid(), "` (", n.operator_(), ")");
  const int num_in = static_cast<int>(in_edges.size());
  if (num_in < spec->shape.min_inputs ||
      (spec->shape.max_inputs >= 0 && num_in > spec->shape.max_inputs)) {
    return Invalid(absl::StrCat(ctx, ": needs ",
                                spec->shape.max_inputs == spec->shape.min_inputs
                                    ? absl::StrCat(spec->shape.min_inputs)
                                    : absl::StrCat("at least ", spec->shape.min_inputs),
                                " input edge(s), got ", num_in));
  }
  std::vector<const Schema*> inputs;
  for (int e : in_edges) {
    const ResolvedNode& from = out->nodes[position[out->edges[e].from]];
    ASSIGN_OR_RETURN(const Schema* s, EdgeSchema(from, g.edges(e), e));
    inputs.push_back(s);
  }
  ConfigReader reader(ctx, n.has_config() ? &n.config() : nullptr);
  auto outputs = spec->validate_with_services != nullptr
                     ? spec->validate_with_services(reader, inputs, schemas, services)
                     : spec->validate(reader, inputs, schemas);
  if (!outputs.ok()) {
    if (absl::StartsWith(outputs.status().message(), "node `")) return outputs.status();
    return Invalid(absl::StrCat(ctx, ": ", outputs.status().message()));
  }
  RETURN_IF_ERROR(reader.Finish());
  node.config = std::move(outputs->config);
  node.output = std::move(outputs->main);
  node.side_outputs = std::move(outputs->side);
  out->nodes.push_back(std::move(node));
  return absl::OkStatus();
}

}  // namespace

absl::Status ResolveNodesAndEdges(const job::JobGraph& g, const SchemaMap& schemas,
                                  const std::vector<int>& order,
                                  const absl::flat_hash_map<std::string, int>& index,
                                  const SubmitServices& services, ValidatedGraph* out) {
  std::vector<int> position(g.nodes_size());  // proto index -> topological position
  for (size_t i = 0; i < order.size(); ++i) position[order[i]] = static_cast<int>(i);
  std::vector<std::vector<int>> in_edges(g.nodes_size());
  out->edges.resize(g.edges_size());
  for (int i = 0; i < g.edges_size(); ++i) {
    const int to = index.at(g.edges(i).to());
    out->edges[i].from = index.at(g.edges(i).from());  // proto index for now
    out->edges[i].to = to;
    out->edges[i].input_index = static_cast<int>(in_edges[to].size());
    in_edges[to].push_back(i);
  }
  for (int proto_index : order) {
    RETURN_IF_ERROR(ResolveNode(g, proto_index, schemas, services, in_edges[proto_index], out, position));
  }
  for (int i = 0; i < g.edges_size(); ++i) {
    ResolvedEdge& e = out->edges[i];
    e.from = position[e.from];
    e.to = position[e.to];
    RETURN_IF_ERROR(ResolveEdge(g.edges(i), i, *out, &e));
    out->nodes[e.from].out_edges.push_back(i);
    out->nodes[e.to].in_edges.push_back(i);
  }
  for (const ResolvedNode& n : out->nodes) {
    bool main_used = false;
    for (int e : n.out_edges) main_used |= out->edges[e].output.empty();
    if (n.output != nullptr && !main_used) {
      return Invalid(absl::StrCat("node `", n.uid, "` (", n.op, "): its output is not "
                                  "connected (end every stream in a sink)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::graph
