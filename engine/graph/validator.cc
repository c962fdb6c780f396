#include "engine/graph/validator.h"

#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/expr/expression.h"
#include "engine/graph/operator_registry.h"
#include "google/protobuf/util/json_util.h"

namespace rtai::engine::graph {
namespace {

absl::Status Invalid(const std::string& msg) { return absl::InvalidArgumentError(msg); }

bool ValidUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 64) return false;
  for (char ch : uid) {
    if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.')) {
      return false;
    }
  }
  return true;
}

absl::Status ValidateSettings(const job::JobGraph& g, const ValidatorLimits& limits,
                              ValidatedGraph* out) {
  if (g.version() != 1) {
    return Invalid(absl::StrCat("version: must be 1, got ", g.version()));
  }
  if (g.name().empty() || g.name().size() > 128) return Invalid("name: must be 1..128 bytes");
  out->name = g.name();
  out->max_parallelism = g.max_parallelism() == 0 ? 128 : g.max_parallelism();
  if (out->max_parallelism > 32768) {
    return Invalid(absl::StrCat("max_parallelism: must be in [1, 32768], got ",
                                g.max_parallelism()));
  }
  if (g.nodes_size() == 0) return Invalid("nodes: a job needs at least one node");
  if (g.nodes_size() > limits.max_nodes) {
    return Invalid(absl::StrCat("nodes: at most ", limits.max_nodes, " nodes, got ",
                                g.nodes_size()));
  }
  const auto& w = g.watermark();
  constexpr int64_t kMaxDelayMs = int64_t{366} * 24 * 3600 * 1000;
  if (w.max_out_of_orderness_ms() < 0 || w.idle_timeout_ms() < 0 ||
      w.max_out_of_orderness_ms() > kMaxDelayMs || w.idle_timeout_ms() > kMaxDelayMs) {
    return Invalid("watermark: max_out_of_orderness_ms and idle_timeout_ms must be >= 0 and "
                   "at most 366 days");
  }
  out->max_out_of_orderness_ms = w.max_out_of_orderness_ms();
  out->idle_timeout_ms = w.idle_timeout_ms();
  const auto& c = g.checkpoint();
  if (c.interval_ms() != 0) {
    if (c.interval_ms() < 100) {
      return Invalid(absl::StrCat("checkpoint.interval_ms: must be 0 (off) or >= 100, got ",
                                  c.interval_ms()));
    }
    if (c.timeout_ms() != 0 && c.timeout_ms() < c.interval_ms()) {
      return Invalid("checkpoint.timeout_ms: must be 0 or >= interval_ms");
    }
    if (c.min_pause_ms() < 0 || c.min_pause_ms() >= c.interval_ms()) {
      return Invalid("checkpoint.min_pause_ms: must be in [0, interval_ms)");
    }
  } else if (c.timeout_ms() != 0 || c.min_pause_ms() != 0) {
    return Invalid("checkpoint: timeout_ms and min_pause_ms need interval_ms > 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<SchemaMap> ResolveSchemas(const job::JobGraph& g) {
  SchemaMap schemas;
  for (const job::EventSchema& s : g.schemas()) {
    const std::string ctx = absl::StrCat("schema `", s.name(), "`");
    if (s.name().empty()) return Invalid("schemas: a schema needs a name");
    if (schemas.contains(s.name())) return Invalid(absl::StrCat(ctx, ": defined twice"));
    std::vector<Field> fields;
    for (const job::FieldSpec& f : s.fields()) {
      const auto type = ParseTypeName(f.type());
      if (!type.has_value() || *type == TypeId::kNull) {
        return Invalid(absl::StrCat(ctx, ": field `", f.name(), "`: unknown type `", f.type(),
                                    "` (int64, double, string, bool, timestamp, bytes)"));
      }
      fields.push_back({f.name(), *type});
    }
    auto schema = Schema::Create(std::move(fields));
    if (!schema.ok()) return Invalid(absl::StrCat(ctx, ": ", schema.status().message()));
    schemas[s.name()] = std::make_shared<const Schema>(std::move(*schema));
  }
  return schemas;
}

// Nodes: uid, operator, version, parallelism. Fills `index` (uid -> proto index).
absl::Status CheckNodes(const job::JobGraph& g, const ValidatorLimits& limits,
                        int max_parallelism, absl::flat_hash_map<std::string, int>* index) {
  const int default_p = g.default_parallelism() == 0 ? 1 : g.default_parallelism();
  const int cap = std::min(limits.max_parallelism_cap, max_parallelism);
  if (default_p > cap) {
    return Invalid(absl::StrCat("default_parallelism: must be in [1, ", cap, "], got ", default_p));
  }
  for (int i = 0; i < g.nodes_size(); ++i) {
    const job::Node& n = g.nodes(i);
    if (!ValidUid(n.uid())) {
      return Invalid(absl::StrCat("nodes[", i, "]: uid `", n.uid(),
                                  "` must be 1..64 characters of [A-Za-z0-9_.-]"));
    }
    if (!index->emplace(n.uid(), i).second) {
      return Invalid(absl::StrCat("nodes[", i, "]: duplicate uid `", n.uid(), "`"));
    }
    const OperatorSpec* spec = FindOperator(n.operator_());
    if (spec == nullptr) {
      return Invalid(absl::StrCat("node `", n.uid(), "`: unknown operator `", n.operator_(),
                                  "` (known: ", OperatorNames(), ")"));
    }
    if (n.operator_version() > spec->latest_version) {
      return Invalid(absl::StrCat("node `", n.uid(), "`: operator ", n.operator_(),
                                  " has no version ", n.operator_version(), " (latest is ",
                                  spec->latest_version, ")"));
    }
    if (n.parallelism() > static_cast<uint32_t>(cap)) {
      return Invalid(absl::StrCat("node `", n.uid(), "`: parallelism must be in [1, ", cap,
                                  "], got ", n.parallelism()));
    }
  }
  return absl::OkStatus();
}

// Kahn's algorithm; the order is stable (by proto index among ready nodes).
absl::StatusOr<std::vector<int>> TopologicalOrder(
    const job::JobGraph& g, const absl::flat_hash_map<std::string, int>& index) {
  const int n = g.nodes_size();
  std::vector<int> indegree(n, 0);
  std::vector<std::vector<int>> succ(n);
  for (const job::Edge& e : g.edges()) {
    const int from = index.at(e.from()), to = index.at(e.to());
    succ[from].push_back(to);
    ++indegree[to];
  }
  std::deque<int> ready;
  for (int i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push_back(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int v = ready.front();
    ready.pop_front();
    order.push_back(v);
    for (int s : succ[v]) {
      if (--indegree[s] == 0) ready.push_back(s);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    std::vector<std::string> cyclic;
    for (int i = 0; i < n; ++i) {
      if (indegree[i] > 0) cyclic.push_back(absl::StrCat("`", g.nodes(i).uid(), "`"));
    }
    return Invalid(absl::StrCat("the graph has a cycle through nodes ",
                                absl::StrJoin(cyclic, ", ")));
  }
  return order;
}

absl::Status CheckEdgeEndpoints(const job::JobGraph& g,
                                const absl::flat_hash_map<std::string, int>& index) {
  for (int i = 0; i < g.edges_size(); ++i) {
    const job::Edge& e = g.edges(i);
    for (const std::string* end : {&e.from(), &e.to()}) {
      if (!index.contains(*end)) {
        return Invalid(absl::StrCat("edges[", i, "]: `", end == &e.from() ? "from" : "to",
                                    "` names unknown node `", *end, "`"));
      }
    }
    if (e.from() == e.to()) {
      return Invalid(absl::StrCat("the graph has a cycle through nodes `", e.from(), "`"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ResolveNodesAndEdges(const job::JobGraph& g, const SchemaMap& schemas,
                                  const std::vector<int>& order,
                                  const absl::flat_hash_map<std::string, int>& index,
                                  const SubmitServices& services, ValidatedGraph* out);

absl::StatusOr<ValidatedGraph> ValidateJobGraph(const job::JobGraph& graph,
                                                const ValidatorLimits& limits,
                                                const SubmitServices& services) {
  ValidatedGraph out;
  out.proto = graph;
  RETURN_IF_ERROR(ValidateSettings(graph, limits, &out));
  ASSIGN_OR_RETURN(SchemaMap schemas, ResolveSchemas(graph));
  absl::flat_hash_map<std::string, int> index;
  RETURN_IF_ERROR(CheckNodes(graph, limits, out.max_parallelism, &index));
  RETURN_IF_ERROR(CheckEdgeEndpoints(graph, index));
  ASSIGN_OR_RETURN(std::vector<int> order, TopologicalOrder(graph, index));
  RETURN_IF_ERROR(ResolveNodesAndEdges(graph, schemas, order, index, services, &out));
  return out;
}

absl::StatusOr<job::JobGraph> ParseJobGraphJson(std::string_view json) {
  if (json.size() > (4 << 20)) return Invalid("job graph JSON larger than 4 MiB");
  job::JobGraph graph;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &graph, options);
  if (!status.ok()) {
    return Invalid(absl::StrCat("job graph JSON: ", std::string(status.message())));
  }
  return graph;
}

absl::StatusOr<ValidatedGraph> ParseAndValidateJobGraph(std::string_view json,
                                                        const SubmitServices& services) {
  ASSIGN_OR_RETURN(job::JobGraph graph, ParseJobGraphJson(json));
  return ValidateJobGraph(graph, {}, services);
}

std::string JobGraphToJson(const job::JobGraph& graph) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(graph, &out, options);
  return out;
}

}  // namespace rtai::engine::graph
