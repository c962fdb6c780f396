#include "engine/graph/operator_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/expr/expression.h"
#include "engine/graph/join_config.h"
#include "engine/graph/window_config.h"
#include "engine/ml/operators/ml_validation.h"
#include "engine/nexmark/nexmark_generator.h"

namespace rtai::engine::graph {
namespace {

using Inputs = std::vector<const Schema*>;

// Kafka does not bound group ids; we do, since they are stored per commit.
constexpr size_t kMaxGroupIdBytes = 255;

std::shared_ptr<const Schema> Same(const Schema* s) {
  return std::make_shared<const Schema>(*s);
}

// Compiles `source` against `schema`; errors name the config field.
absl::StatusOr<TypeId> CheckExpression(const ConfigReader& config,
                                       const std::string& field,
                                       const std::string& source,
                                       const Schema& schema) {
  auto e = expr::Expression::Compile(source, schema);
  if (!e.ok()) {
    return config.Error(field, absl::StrCat("`", source, "`: ", e.status().message()));
  }
  return (*e)->result_type();
}

// The options shared by broker_source and parse: format, schema, event time,
// dead letters. `raw_ok`: the "raw" format is allowed (sources only).
template <typename Config>
absl::StatusOr<std::shared_ptr<const Schema>> ReadDecoding(ConfigReader& c,
                                                           const SchemaMap& schemas,
                                                           bool raw_ok, Config* cfg) {
  ASSIGN_OR_RETURN(std::string format, c.String("format", "json"));
  if (format == "json") cfg->format = EventFormat::kJson;
  else if (format == "csv") cfg->format = EventFormat::kCsv;
  else if (format == "raw" && raw_ok) cfg->format = EventFormat::kRaw;
  else return c.Error("format", absl::StrCat("must be \"json\"", raw_ok ? ", \"csv\" or \"raw\"" : " or \"csv\"", ", got \"", format, "\""));
  ASSIGN_OR_RETURN(cfg->dead_letter_topic, c.String("dead_letter_topic", ""));
  if (cfg->format == EventFormat::kRaw) {
    // key, value, partition, offset; event time is the broker timestamp.
    static const auto* raw = new std::shared_ptr<const Schema>(std::make_shared<const Schema>(
        *Schema::Create({{"key", TypeId::kBytes}, {"value", TypeId::kBytes},
                         {"partition", TypeId::kInt64}, {"offset", TypeId::kInt64}})));
    return *raw;
  }
  ASSIGN_OR_RETURN(cfg->schema, c.String("schema"));
  auto it = schemas.find(cfg->schema);
  if (it == schemas.end()) {
    return c.Error("schema", absl::StrCat("names unknown event schema `", cfg->schema, "`"));
  }
  ASSIGN_OR_RETURN(std::string event_time, c.String("event_time", ""));
  if (!event_time.empty()) {
    cfg->event_time_column = it->second->FindField(event_time);
    if (cfg->event_time_column < 0) {
      return c.Error("event_time", absl::StrCat("names unknown column `", event_time, "`"));
    }
    const TypeId t = it->second->field(cfg->event_time_column).type;
    if (t != TypeId::kTimestamp && t != TypeId::kInt64) {
      return c.Error("event_time", absl::StrCat("column `", event_time,
                                                "` must be timestamp or int64, not ", std::string(TypeName(t))));
    }
  }
  ASSIGN_OR_RETURN(std::string delim, c.String("csv_delimiter", ","));
  if (delim.size() != 1) return c.Error("csv_delimiter", "must be one character");
  cfg->csv_delimiter = delim[0];
  ASSIGN_OR_RETURN(cfg->ignore_unknown_fields, c.Bool("ignore_unknown_fields", true));
  return it->second;
}

// broker_source's start position and consumer group: `start`, `group`,
// `reset` (start committed only) and `commit_interval_ms` (group only).
absl::Status ReadStartAndGroup(ConfigReader& c, SourceConfig* cfg) {
  ASSIGN_OR_RETURN(std::string start, c.String("start", "earliest"));
  if (start == "earliest") cfg->start = StartPosition::kEarliest;
  else if (start == "latest") cfg->start = StartPosition::kLatest;
  else if (start == "committed") cfg->start = StartPosition::kCommitted;
  else return c.Error("start", absl::StrCat("must be \"earliest\", \"latest\" or \"committed\", got \"", start, "\""));
  const bool has_group = c.Has("group");
  ASSIGN_OR_RETURN(cfg->group, c.String("group", ""));
  if (has_group && cfg->group.empty()) return c.Error("group", "must not be empty");
  if (cfg->group.size() > kMaxGroupIdBytes) {
    return c.Error("group", absl::StrCat("must be at most ", kMaxGroupIdBytes, " bytes"));
  }
  if (cfg->start == StartPosition::kCommitted && cfg->group.empty()) {
    return c.Error("group", "is required with \"start\": \"committed\" (the consumer group whose "
                            "committed offsets to start from)");
  }
  if (c.Has("reset") && cfg->start != StartPosition::kCommitted) {
    return c.Error("reset", "applies only with \"start\": \"committed\"");
  }
  ASSIGN_OR_RETURN(std::string reset, c.String("reset", "earliest"));
  if (reset == "earliest") cfg->reset = StartPosition::kEarliest;
  else if (reset == "latest") cfg->reset = StartPosition::kLatest;
  else return c.Error("reset", absl::StrCat("must be \"earliest\" or \"latest\", got \"", reset, "\""));
  if (c.Has("commit_interval_ms") && cfg->group.empty()) {
    return c.Error("commit_interval_ms", "needs \"group\" (offsets are committed to a consumer group)");
  }
  ASSIGN_OR_RETURN(cfg->commit_interval_ms, c.Int("commit_interval_ms", 5000));
  if (cfg->commit_interval_ms < 100 || cfg->commit_interval_ms > 86'400'000) {
    return c.Error("commit_interval_ms",
                   absl::StrCat("must be in [100, 86400000], got ", cfg->commit_interval_ms));
  }
  return absl::OkStatus();
}

absl::StatusOr<OperatorOutputs> ValidateSource(ConfigReader& c, const Inputs&,
                                               const SchemaMap& schemas) {
  SourceConfig cfg;
  ASSIGN_OR_RETURN(cfg.topic, c.String("topic"));
  if (cfg.topic.empty()) return c.Error("topic", "must not be empty");
  ASSIGN_OR_RETURN(std::vector<int64_t> parts, c.IntList("partitions"));
  for (int64_t p : parts) {
    if (p < 0 || p > 1000000) return c.Error("partitions", absl::StrCat("has invalid partition ", p));
    cfg.partitions.push_back(static_cast<int32_t>(p));
  }
  RETURN_IF_ERROR(ReadStartAndGroup(c, &cfg));
  ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                   ReadDecoding(c, schemas, /*raw_ok=*/true, &cfg));
  ASSIGN_OR_RETURN(cfg.bounded, c.Bool("bounded", false));
  OperatorOutputs out{cfg, std::move(schema), {}};
  return out;
}

absl::StatusOr<OperatorOutputs> ValidateParse(ConfigReader& c, const Inputs& in,
                                              const SchemaMap& schemas) {
  ParseConfig cfg;
  ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                   ReadDecoding(c, schemas, /*raw_ok=*/false, &cfg));
  ASSIGN_OR_RETURN(std::string column, c.String("column", "value"));
  cfg.column = in[0]->FindField(column);
  if (cfg.column < 0) return c.Error("column", absl::StrCat("names unknown column `", column, "`"));
  const TypeId t = in[0]->field(cfg.column).type;
  if (t != TypeId::kBytes && t != TypeId::kString) {
    return c.Error("column", absl::StrCat("`", column, "` must be bytes or string, not ",
                                          std::string(TypeName(t))));
  }
  OperatorOutputs out{cfg, std::move(schema), {}};
  return out;
}

absl::StatusOr<OperatorOutputs> ValidateFilter(ConfigReader& c, const Inputs& in,
                                               const SchemaMap&) {
  FilterConfig cfg;
  ASSIGN_OR_RETURN(cfg.predicate, c.String("predicate"));
  ASSIGN_OR_RETURN(TypeId t, CheckExpression(c, "predicate", cfg.predicate, *in[0]));
  if (t != TypeId::kBool && t != TypeId::kNull) {
    return c.Error("predicate", absl::StrCat("`", cfg.predicate, "` must be bool, got ", std::string(TypeName(t))));
  }
  return OperatorOutputs{cfg, Same(in[0]), {}};
}

absl::StatusOr<OperatorOutputs> ValidateMap(ConfigReader& c, const Inputs& in,
                                            const SchemaMap&) {
  MapConfig cfg;
  ASSIGN_OR_RETURN(auto fields, c.ObjectList("fields", /*required=*/true));
  for (size_t i = 0; i < fields.size(); ++i) {
    ConfigReader f(absl::StrCat(c.context(), ": fields[", i, "]"), fields[i]);
    expr::NamedExpression ne;
    ASSIGN_OR_RETURN(ne.name, f.String("name"));
    ASSIGN_OR_RETURN(ne.source, f.String("expr"));
    RETURN_IF_ERROR(f.Finish());
    cfg.fields.push_back(std::move(ne));
  }
  auto projection = expr::Projection::Compile(cfg.fields, *in[0]);
  if (!projection.ok()) return c.Error("fields", std::string(projection.status().message()));
  auto schema = std::make_shared<const Schema>(projection->output_schema());
  return OperatorOutputs{cfg, std::move(schema), {}};
}

absl::StatusOr<OperatorOutputs> ValidateKeyBy(ConfigReader& c, const Inputs& in,
                                              const SchemaMap&) {
  KeyByConfig cfg;
  ASSIGN_OR_RETURN(cfg.key, c.StringList("key", /*required=*/true));
  for (const std::string& k : cfg.key) {
    RETURN_IF_ERROR(CheckExpression(c, "key", k, *in[0]).status());
  }
  return OperatorOutputs{cfg, Same(in[0]), {}};
}

absl::StatusOr<OperatorOutputs> ValidateUnion(ConfigReader&, const Inputs& in,
                                              const SchemaMap&) {
  for (size_t i = 1; i < in.size(); ++i) {
    if (!(*in[i] == *in[0])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "union inputs must have equal schemas: input 0 is (", in[0]->DebugString(),
          "), input ", i, " is (", in[i]->DebugString(), ")"));
    }
  }
  return OperatorOutputs{UnionConfig{}, Same(in[0]), {}};
}

absl::StatusOr<OperatorOutputs> ValidateSink(ConfigReader& c, const Inputs& in,
                                             const SchemaMap&) {
  SinkConfig cfg;
  ASSIGN_OR_RETURN(cfg.topic, c.String("topic"));
  if (cfg.topic.empty()) return c.Error("topic", "must not be empty");
  ASSIGN_OR_RETURN(cfg.key, c.String("key", ""));
  if (!cfg.key.empty()) RETURN_IF_ERROR(CheckExpression(c, "key", cfg.key, *in[0]).status());
  return OperatorOutputs{cfg, nullptr, {}};
}

absl::StatusOr<OperatorOutputs> ValidateBlackhole(ConfigReader&, const Inputs&,
                                                  const SchemaMap&) {
  return OperatorOutputs{BlackholeConfig{}, nullptr, {}};
}

absl::StatusOr<OperatorOutputs> ValidateNexmarkSource(ConfigReader& c, const Inputs&,
                                                      const SchemaMap&) {
  NexmarkSourceConfig cfg;
  ASSIGN_OR_RETURN(cfg.events, c.Int("events", 0));
  if (cfg.events < 0) return c.Error("events", "must be >= 0 (0 = unbounded)");
  ASSIGN_OR_RETURN(int64_t seed, c.Int("seed", 42));
  cfg.seed = static_cast<uint64_t>(seed);
  ASSIGN_OR_RETURN(cfg.events_per_second, c.Int("events_per_second", cfg.events_per_second));
  if (cfg.events_per_second < 1 || cfg.events_per_second > 1'000'000'000) {
    return c.Error("events_per_second", "must be in [1, 1e9]");
  }
  ASSIGN_OR_RETURN(cfg.base_time_ms, c.Int("base_time_ms", cfg.base_time_ms));
  if (cfg.base_time_ms < 0 || cfg.base_time_ms > (int64_t{1} << 60)) {
    return c.Error("base_time_ms", "must be in [0, 2^60]");
  }
  return OperatorOutputs{cfg, nexmark::NexmarkGenerator::EventSchema(), {}};
}

const std::vector<OperatorSpec>& Registry() {
  static const auto* registry = new std::vector<OperatorSpec>{
      {"blackhole_sink", 1, {1, -1, true, {}}, ValidateBlackhole},
      {"broker_sink", 1, {1, -1, true, {}}, ValidateSink},
      {"broker_source", 1, {0, 0, false, {}}, ValidateSource},
      {"champion_challenger", 1, {2, 2, false, {"audit", "labelled"}}, nullptr,
       ml::ops::ValidateChampionChallenger},
      {"drift", 1, {1, 1, false, {}}, ml::ops::ValidateDrift},
      {"filter", 1, {1, 1, false, {}}, ValidateFilter},
      {"interval_join", 1, {2, 2, false, {}}, ValidateIntervalJoin},
      {"key_by", 1, {1, 1, false, {}}, ValidateKeyBy},
      {"learn", 1, {1, 1, false, {}}, ml::ops::ValidateLearn},
      {"map", 1, {1, 1, false, {}}, ValidateMap},
      {"nexmark_source", 1, {0, 0, false, {}}, ValidateNexmarkSource},
      {"parse", 1, {1, 1, false, {}}, ValidateParse},
      {"rolling_features", 1, {1, 1, false, {}}, ml::ops::ValidateRollingFeatures},
      {"score", 1, {1, 1, false, {}}, nullptr, ml::ops::ValidateScore},
      {"union", 1, {2, -1, false, {}}, ValidateUnion},
      {"window_aggregate", 1, {1, 1, false, {"late"}}, ValidateWindow},
  };
  return *registry;
}

}  // namespace

const OperatorSpec* FindOperator(const std::string& name) {
  for (const OperatorSpec& spec : Registry()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string OperatorNames() {
  std::vector<std::string> names;
  for (const OperatorSpec& spec : Registry()) names.push_back(spec.name);
  return absl::StrJoin(names, ", ");
}

std::string_view AggregateFnName(AggregateFn fn) {
  switch (fn) {
    case AggregateFn::kCount: return "count";
    case AggregateFn::kSum: return "sum";
    case AggregateFn::kMin: return "min";
    case AggregateFn::kMax: return "max";
    case AggregateFn::kAvg: return "avg";
    case AggregateFn::kStddev: return "stddev";
    case AggregateFn::kFirst: return "first";
    case AggregateFn::kLast: return "last";
    case AggregateFn::kApproxDistinct: return "approx_distinct";
  }
  return "?";
}

}  // namespace rtai::engine::graph
