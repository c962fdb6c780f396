#include "engine/graph/window_config.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/expr/expression.h"
#include "engine/window/window_assigners.h"

namespace rtai::engine::graph {
namespace {

constexpr int64_t kMaxWindowMs = int64_t{366} * 24 * 3600 * 1000;

absl::StatusOr<AggregateFn> ParseFn(const ConfigReader& c, const std::string& s) {
  static const std::pair<const char*, AggregateFn> kFns[] = {
      {"count", AggregateFn::kCount}, {"sum", AggregateFn::kSum},
      {"min", AggregateFn::kMin},     {"max", AggregateFn::kMax},
      {"avg", AggregateFn::kAvg},     {"stddev", AggregateFn::kStddev},
      {"first", AggregateFn::kFirst}, {"last", AggregateFn::kLast},
      {"approx_distinct", AggregateFn::kApproxDistinct}};
  for (const auto& [name, fn] : kFns) {
    if (s == name) return fn;
  }
  return c.Error("fn", absl::StrCat("unknown aggregate `", s,
                                    "` (count, sum, min, max, avg, stddev, first, "
                                    "last, approx_distinct)"));
}

// The output type of `fn` over `in`, or an error naming both.
absl::StatusOr<TypeId> OutputType(const ConfigReader& c, AggregateFn fn, TypeId in) {
  const bool numeric = IsNumeric(in);
  const bool ordered = numeric || in == TypeId::kTimestamp;
  switch (fn) {
    case AggregateFn::kCount:
    case AggregateFn::kApproxDistinct:
      return TypeId::kInt64;
    case AggregateFn::kSum:
      if (numeric) return in;
      break;
    case AggregateFn::kAvg:
    case AggregateFn::kStddev:
      if (numeric) return TypeId::kDouble;
      break;
    case AggregateFn::kMin:
    case AggregateFn::kMax:
    case AggregateFn::kFirst:
    case AggregateFn::kLast:
      if (ordered || in == TypeId::kBool) return in;
      break;
  }
  return c.Error("expr", absl::StrCat(std::string(AggregateFnName(fn)), " cannot aggregate ",
                                      std::string(TypeName(in))));
}

absl::Status ReadWindowShape(ConfigReader& c, WindowConfig* cfg) {
  ASSIGN_OR_RETURN(const google::protobuf::Struct* w, c.Object("window"));
  ConfigReader r(absl::StrCat(c.context(), ": window"), w);
  ASSIGN_OR_RETURN(std::string type, r.String("type"));
  auto positive = [&](const std::string& f, int64_t* out, int64_t max) -> absl::Status {
    ASSIGN_OR_RETURN(*out, r.Int(f));
    if (*out <= 0 || *out > max) {
      return r.Error(f, absl::StrCat("must be in [1, ", max, "], got ", *out));
    }
    return absl::OkStatus();
  };
  if (type == "tumbling") {
    cfg->kind = WindowKind::kTumbling;
    RETURN_IF_ERROR(positive("size_ms", &cfg->size_ms, kMaxWindowMs));
  } else if (type == "sliding") {
    cfg->kind = WindowKind::kSliding;
    RETURN_IF_ERROR(positive("size_ms", &cfg->size_ms, kMaxWindowMs));
    RETURN_IF_ERROR(positive("slide_ms", &cfg->slide_ms, kMaxWindowMs));
    auto sliding = window::SlidingWindows::Create(cfg->size_ms, cfg->slide_ms);
    if (!sliding.ok()) return r.Error("slide_ms", std::string(sliding.status().message()));
  } else if (type == "session") {
    cfg->kind = WindowKind::kSession;
    RETURN_IF_ERROR(positive("gap_ms", &cfg->gap_ms, kMaxWindowMs));
  } else if (type == "count") {
    cfg->kind = WindowKind::kCount;
    RETURN_IF_ERROR(positive("size", &cfg->count, int64_t{1} << 32));
  } else {
    return r.Error("type", absl::StrCat("must be tumbling, sliding, session or count, got \"",
                                        type, "\""));
  }
  return r.Finish();
}

absl::Status ReadAggregates(ConfigReader& c, const Schema& in, WindowConfig* cfg) {
  ASSIGN_OR_RETURN(auto aggs, c.ObjectList("aggregates", /*required=*/true));
  for (size_t i = 0; i < aggs.size(); ++i) {
    ConfigReader a(absl::StrCat(c.context(), ": aggregates[", i, "]"), aggs[i]);
    AggregateSpec spec;
    ASSIGN_OR_RETURN(spec.name, a.String("name"));
    ASSIGN_OR_RETURN(std::string fn, a.String("fn"));
    ASSIGN_OR_RETURN(spec.fn, ParseFn(a, fn));
    ASSIGN_OR_RETURN(spec.expr, a.String("expr", ""));
    if (spec.expr.empty() && spec.fn != AggregateFn::kCount) {
      return a.Error("expr", absl::StrCat("is required for ", fn));
    }
    if (!spec.expr.empty()) {
      auto e = expr::Expression::Compile(spec.expr, in);
      if (!e.ok()) {
        return a.Error("expr", absl::StrCat("`", spec.expr, "`: ", e.status().message()));
      }
      spec.input_type = (*e)->result_type();
      if (spec.input_type == TypeId::kNull) spec.input_type = TypeId::kInt64;
    }
    ASSIGN_OR_RETURN(spec.output_type, OutputType(a, spec.fn, spec.input_type));
    RETURN_IF_ERROR(a.Finish());
    cfg->aggregates.push_back(std::move(spec));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OperatorOutputs> ValidateWindow(
    ConfigReader& c, const std::vector<const Schema*>& inputs, const SchemaMap&) {
  const Schema& in = *inputs[0];
  WindowConfig cfg;
  RETURN_IF_ERROR(ReadWindowShape(c, &cfg));
  ASSIGN_OR_RETURN(cfg.key, c.StringList("key", /*required=*/false));
  std::vector<Field> fields;
  for (const std::string& k : cfg.key) {
    const int col = in.FindField(k);
    if (col < 0) return c.Error("key", absl::StrCat("names unknown column `", k, "`"));
    cfg.key_columns.push_back(col);
    fields.push_back(in.field(col));
  }
  if (cfg.kind != WindowKind::kCount) {
    fields.push_back({"window_start", TypeId::kTimestamp});
    fields.push_back({"window_end", TypeId::kTimestamp});
  }
  RETURN_IF_ERROR(ReadAggregates(c, in, &cfg));
  for (const AggregateSpec& a : cfg.aggregates) fields.push_back({a.name, a.output_type});
  ASSIGN_OR_RETURN(cfg.allowed_lateness_ms, c.Int("allowed_lateness_ms", 0));
  if (cfg.allowed_lateness_ms < 0 || cfg.allowed_lateness_ms > kMaxWindowMs) {
    return c.Error("allowed_lateness_ms", "must be in [0, 366 days]");
  }
  if (cfg.kind == WindowKind::kCount && cfg.allowed_lateness_ms != 0) {
    return c.Error("allowed_lateness_ms", "does not apply to count windows");
  }
  ASSIGN_OR_RETURN(std::string time, c.String("time", "event"));
  if (time != "event" && time != "processing") {
    return c.Error("time", absl::StrCat("must be \"event\" or \"processing\", got \"", time, "\""));
  }
  cfg.processing_time = time == "processing";
  if (cfg.processing_time && cfg.kind == WindowKind::kCount) {
    return c.Error("time", "does not apply to count windows");
  }
  if (cfg.processing_time && cfg.allowed_lateness_ms != 0) {
    return c.Error("allowed_lateness_ms", "does not apply to processing-time windows");
  }
  auto schema = Schema::Create(std::move(fields));
  if (!schema.ok()) {
    return c.Error("aggregates", absl::StrCat("output columns: ", schema.status().message()));
  }
  OperatorOutputs out;
  out.main = std::make_shared<const Schema>(std::move(*schema));
  out.side["late"] = std::make_shared<const Schema>(in);
  out.config = std::move(cfg);
  return out;
}

}  // namespace rtai::engine::graph
