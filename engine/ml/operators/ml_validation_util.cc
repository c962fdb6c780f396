#include "engine/ml/operators/ml_validation_util.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "engine/ml/registry/model_registry.h"

namespace rtai::ml::ops {
namespace {

using engine::Field;
using engine::Schema;
using engine::TypeId;
using engine::graph::ConfigReader;

bool NumericOrBool(TypeId t) {
  return t == TypeId::kInt64 || t == TypeId::kDouble || t == TypeId::kBool;
}

// Binds the model's features (its own names, or `features` when given) to
// input columns.
absl::Status BindModelColumns(const ConfigReader& c, const std::string& field,
                              const std::vector<std::string>& features, const Schema& input,
                              ModelSpec* spec) {
  std::vector<std::string> names = features;
  if (const auto* t = std::get_if<TreeEnsemble>(&spec->model->model)) {
    if (names.empty()) names = t->feature_names();
    if (names.empty()) {
      return c.Error(field, absl::StrCat("model ", spec->resolved,
                                         " has no feature names: list its input columns in "
                                         "`features`"));
    }
    if (names.size() != t->num_features()) {
      return c.Error(field, absl::StrCat("model ", spec->resolved, " takes ", t->num_features(),
                                         " features, `features` lists ", names.size()));
    }
  } else {
    const auto& linear = std::get<LinearModel>(spec->model->model);
    if (linear.hashed()) {
      return c.Error(field, absl::StrCat("model ", spec->resolved,
                                         ": hashed linear models are not supported by the "
                                         "scoring operators yet"));
    }
    if (!features.empty()) {
      return c.Error(field, "`features` is only for tree models (linear weights are named)");
    }
    for (const auto& [name, w] : linear.weights()) names.push_back(name);
  }
  for (const std::string& n : names) {
    ASSIGN_OR_RETURN(int col, ResolveColumn(c, field, n, input, /*numeric_only=*/true));
    spec->columns.push_back(col);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> ResolveColumn(const ConfigReader& c, const std::string& field,
                                  const std::string& name, const Schema& schema,
                                  bool numeric_only) {
  const int col = schema.FindField(name);
  if (col < 0) return c.Error(field, absl::StrCat("names unknown column `", name, "`"));
  if (numeric_only && !NumericOrBool(schema.field(col).type)) {
    return c.Error(field, absl::StrCat("column `", name, "` must be int64, double or bool, not ",
                                       std::string(TypeName(schema.field(col).type))));
  }
  return col;
}

absl::StatusOr<ModelSpec> ReadModel(ConfigReader& c, const std::string& field,
                                    const std::vector<std::string>& features,
                                    const Schema& input,
                                    const engine::graph::SubmitServices& services) {
  ModelSpec spec;
  ASSIGN_OR_RETURN(spec.ref, c.String(field));
  if (services.models == nullptr) {
    return c.Error(field, "needs the model registry, which this validation has no access to");
  }
  auto resolved = services.models->Resolve(spec.ref);
  if (!resolved.ok()) {
    return c.Error(field, absl::StrCat("`", spec.ref, "`: ", resolved.status().message()));
  }
  auto loaded = LoadModelBytes(resolved->info.version.format, resolved->bytes);
  if (!loaded.ok()) {
    return c.Error(field, absl::StrCat("`", spec.ref, "`: ", loaded.status().message()));
  }
  spec.resolved = absl::StrCat(resolved->info.name, "@", resolved->info.version.version);
  spec.sha256 = resolved->info.version.sha256;
  spec.model = std::make_shared<const LoadedModel>(*std::move(loaded));
  RETURN_IF_ERROR(BindModelColumns(c, field, features, input, &spec));
  return spec;
}

absl::StatusOr<LearnerSpec> ReadLearner(ConfigReader& c, const std::string& field,
                                        const Schema& input) {
  ASSIGN_OR_RETURN(const google::protobuf::Struct* obj, c.Object(field));
  ConfigReader l(absl::StrCat(c.context(), ": ", field), obj);
  LearnerSpec s;
  ASSIGN_OR_RETURN(std::string type, l.String("type", "ftrl"));
  if (type == "ftrl") s.kind = LearnerSpec::Kind::kFtrl;
  else if (type == "sgd") s.kind = LearnerSpec::Kind::kSgd;
  else if (type == "hoeffding") s.kind = LearnerSpec::Kind::kHoeffding;
  else return l.Error("type", absl::StrCat("must be \"ftrl\", \"sgd\" or \"hoeffding\", got \"", type, "\""));
  ASSIGN_OR_RETURN(s.numeric_names, l.StringList("features", /*required=*/true));
  for (const std::string& n : s.numeric_names) {
    ASSIGN_OR_RETURN(int col, ResolveColumn(l, "features", n, input, true));
    s.numeric_columns.push_back(col);
  }
  ASSIGN_OR_RETURN(s.hashed_names, l.StringList("hashed_features", false));
  for (const std::string& n : s.hashed_names) {
    ASSIGN_OR_RETURN(int col, ResolveColumn(l, "hashed_features", n, input, false));
    if (input.field(col).type != TypeId::kString) {
      return l.Error("hashed_features", absl::StrCat("column `", n, "` must be string"));
    }
    s.hashed_columns.push_back(col);
  }
  if (s.kind == LearnerSpec::Kind::kHoeffding && !s.hashed_names.empty()) {
    return l.Error("hashed_features", "is not supported by the hoeffding learner");
  }
  ASSIGN_OR_RETURN(int64_t buckets, l.Int("hash_buckets", s.hashed_names.empty() ? 0 : 1024));
  if (buckets < 0 || buckets > (1 << 22)) return l.Error("hash_buckets", "must be in [0, 4194304]");
  if (!s.hashed_names.empty() && buckets == 0) return l.Error("hash_buckets", "must be > 0");
  s.hash_buckets = static_cast<uint32_t>(buckets);
  ASSIGN_OR_RETURN(int64_t seed, l.Int("hash_seed", 0));
  s.hash_seed = static_cast<uint64_t>(seed);
  ASSIGN_OR_RETURN(s.scale, l.Bool("scale", true));
  const uint32_t dim = static_cast<uint32_t>(s.numeric_names.size()) + s.hash_buckets;
  absl::Status valid;
  if (s.kind == LearnerSpec::Kind::kFtrl) {
    ASSIGN_OR_RETURN(s.ftrl.alpha, l.Double("alpha", s.ftrl.alpha));
    ASSIGN_OR_RETURN(s.ftrl.beta, l.Double("beta", s.ftrl.beta));
    ASSIGN_OR_RETURN(s.ftrl.l1, l.Double("l1", s.ftrl.l1));
    ASSIGN_OR_RETURN(s.ftrl.l2, l.Double("l2", s.ftrl.l2));
    s.ftrl.dimension = dim;
    valid = s.ftrl.Validate();
  } else if (s.kind == LearnerSpec::Kind::kSgd) {
    ASSIGN_OR_RETURN(s.sgd.learning_rate, l.Double("learning_rate", s.sgd.learning_rate));
    ASSIGN_OR_RETURN(s.sgd.l2, l.Double("l2", s.sgd.l2));
    s.sgd.dimension = dim;
    valid = s.sgd.Validate();
  } else {
    ASSIGN_OR_RETURN(int64_t grace, l.Int("grace_period", s.tree.grace_period));
    ASSIGN_OR_RETURN(int64_t depth, l.Int("max_depth", s.tree.max_depth));
    if (grace < 1 || grace > 1000000) return l.Error("grace_period", "must be in [1, 1000000]");
    if (depth < 1 || depth > 64) return l.Error("max_depth", "must be in [1, 64]");
    s.tree.grace_period = static_cast<uint32_t>(grace);
    s.tree.max_depth = static_cast<uint32_t>(depth);
    ASSIGN_OR_RETURN(s.tree.split_confidence, l.Double("split_confidence", s.tree.split_confidence));
    ASSIGN_OR_RETURN(s.tree.tie_threshold, l.Double("tie_threshold", s.tree.tie_threshold));
    s.tree.num_features = static_cast<uint32_t>(s.numeric_names.size());
    valid = s.tree.Validate();
  }
  if (!valid.ok()) return l.Error("type", absl::StrCat("options: ", valid.message()));
  RETURN_IF_ERROR(l.Finish());
  return s;
}

absl::StatusOr<int> ReadLabelColumn(ConfigReader& c, const std::string& field,
                                    const Schema& schema) {
  ASSIGN_OR_RETURN(std::string name, c.String(field));
  return ResolveColumn(c, field, name, schema, /*numeric_only=*/true);
}

absl::StatusOr<std::shared_ptr<const Schema>> Extend(const ConfigReader& c,
                                                     const std::string& field,
                                                     const Schema& base,
                                                     const std::vector<Field>& extra) {
  std::vector<Field> fields;
  for (size_t i = 0; i < base.num_fields(); ++i) fields.push_back(base.field(i));
  for (const Field& f : extra) {
    if (base.FindField(f.name) >= 0) {
      return c.Error(field, absl::StrCat("output column `", f.name,
                                         "` already exists in the input; choose another name"));
    }
    fields.push_back(f);
  }
  auto schema = Schema::Create(std::move(fields));
  if (!schema.ok()) return c.Error(field, std::string(schema.status().message()));
  return std::make_shared<const Schema>(*std::move(schema));
}

}  // namespace rtai::ml::ops
