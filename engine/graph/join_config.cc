#include "engine/graph/join_config.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::engine::graph {
namespace {

constexpr int64_t kMaxBoundMs = int64_t{366} * 24 * 3600 * 1000;

absl::Status ResolveKey(const ConfigReader& c, const std::string& field,
                        const std::vector<std::string>& names, const Schema& schema,
                        std::vector<int>* columns) {
  for (const std::string& k : names) {
    const int col = schema.FindField(k);
    if (col < 0) return c.Error(field, absl::StrCat("names unknown column `", k, "`"));
    columns->push_back(col);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OperatorOutputs> ValidateIntervalJoin(
    ConfigReader& c, const std::vector<const Schema*>& inputs, const SchemaMap&) {
  const Schema& left = *inputs[0];
  const Schema& right = *inputs[1];
  IntervalJoinConfig cfg;
  ASSIGN_OR_RETURN(cfg.left_key, c.StringList("left_key", /*required=*/true));
  ASSIGN_OR_RETURN(cfg.right_key, c.StringList("right_key", /*required=*/true));
  if (cfg.left_key.size() != cfg.right_key.size()) {
    return c.Error("right_key", "must have as many columns as left_key");
  }
  RETURN_IF_ERROR(ResolveKey(c, "left_key", cfg.left_key, left, &cfg.left_columns));
  RETURN_IF_ERROR(ResolveKey(c, "right_key", cfg.right_key, right, &cfg.right_columns));
  for (size_t i = 0; i < cfg.left_columns.size(); ++i) {
    const TypeId l = left.field(cfg.left_columns[i]).type;
    const TypeId r = right.field(cfg.right_columns[i]).type;
    if (l != r) {
      return c.Error("right_key", absl::StrCat("column `", cfg.right_key[i], "` is ",
                                               std::string(TypeName(r)), " but `", cfg.left_key[i],
                                               "` is ", std::string(TypeName(l))));
    }
  }
  ASSIGN_OR_RETURN(cfg.lower_bound_ms, c.Int("lower_bound_ms"));
  ASSIGN_OR_RETURN(cfg.upper_bound_ms, c.Int("upper_bound_ms"));
  if (std::abs(cfg.lower_bound_ms) > kMaxBoundMs || std::abs(cfg.upper_bound_ms) > kMaxBoundMs) {
    return c.Error("lower_bound_ms", "bounds must be within 366 days");
  }
  if (cfg.lower_bound_ms > cfg.upper_bound_ms) {
    return c.Error("lower_bound_ms", "must not exceed upper_bound_ms");
  }
  ASSIGN_OR_RETURN(std::string left_prefix, c.String("left_prefix", ""));
  ASSIGN_OR_RETURN(std::string right_prefix, c.String("right_prefix", ""));
  std::vector<Field> fields;
  for (const Field& f : left.fields()) fields.push_back({left_prefix + f.name, f.type});
  for (const Field& f : right.fields()) fields.push_back({right_prefix + f.name, f.type});
  auto schema = Schema::Create(std::move(fields));
  if (!schema.ok()) {
    return c.Error("right_prefix", absl::StrCat("output columns: ", schema.status().message(),
                                                " (set left_prefix / right_prefix)"));
  }
  OperatorOutputs out;
  out.main = std::make_shared<const Schema>(std::move(*schema));
  out.config = std::move(cfg);
  return out;
}

}  // namespace rtai::engine::graph
