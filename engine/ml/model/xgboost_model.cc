#include "engine/ml/model/xgboost_model.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::ml {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("xgboost model: ", what));
}

absl::StatusOr<std::vector<int32_t>> IntArray(const JsonValue& obj,
                                              absl::string_view key,
                                              absl::string_view path,
                                              int64_t lo, int64_t hi) {
  ASSIGN_OR_RETURN(std::vector<double> v, NumberArrayMember(obj, key, path));
  std::vector<int32_t> out;
  out.reserve(v.size());
  for (double d : v) {
    if (d != std::floor(d) || d < lo || d > hi) {
      return Bad(absl::StrCat(path, ".", key, ": value out of range"));
    }
    out.push_back(static_cast<int32_t>(d));
  }
  return out;
}

absl::StatusOr<RawTree> ParseTree(const JsonValue& t, size_t index,
                                  uint32_t group) {
  const std::string path = absl::StrCat("trees[", index, "]");
  if (!t.is_object()) return Bad(absl::StrCat(path, ": not an object"));
  // Categorical splits are not supported: reject rather than mis-predict.
  ASSIGN_OR_RETURN(std::vector<double> split_type,
                   NumberArrayMember(t, "split_type", path));
  for (double s : split_type) {
    if (s != 0) {
      return Bad(absl::StrCat(path,
                              ": categorical splits are not supported "
                              "(train without enable_categorical)"));
    }
  }
  if (const JsonValue* c = t.Find("categories");
      c != nullptr && c->is_array() && !c->items().empty()) {
    return Bad(absl::StrCat(path, ": categorical splits are not supported"));
  }
  RawTree tree;
  tree.group = group;
  constexpr int64_t kMaxId = TreeEnsemble::kMaxNodes;
  ASSIGN_OR_RETURN(tree.left, IntArray(t, "left_children", path, -1, kMaxId));
  ASSIGN_OR_RETURN(tree.right, IntArray(t, "right_children", path, -1, kMaxId));
  ASSIGN_OR_RETURN(
      std::vector<int32_t> feat,
      IntArray(t, "split_indices", path, 0, TreeEnsemble::kMaxFeatures));
  ASSIGN_OR_RETURN(std::vector<int32_t> dl,
                   IntArray(t, "default_left", path, 0, 1));
  ASSIGN_OR_RETURN(std::vector<double> cond,
                   NumberArrayMember(t, "split_conditions", path));
  tree.feature.assign(feat.begin(), feat.end());
  tree.default_left.assign(dl.begin(), dl.end());
  tree.value.reserve(cond.size());
  for (double d : cond) tree.value.push_back(static_cast<float>(d));
  if (split_type.size() != tree.left.size()) {
    return Bad(absl::StrCat(path, ": split_type length differs"));
  }
  ASSIGN_OR_RETURN(const JsonValue* tp, Member(t, "tree_param", path));
  ASSIGN_OR_RETURN(double num_nodes, NumericParam(*tp, "num_nodes", path));
  if (num_nodes != static_cast<double>(tree.left.size())) {
    return Bad(absl::StrCat(path, ": num_nodes does not match the arrays"));
  }
  return tree;
}

absl::StatusOr<float> BaseMargin(Objective objective, double base_score) {
  const float p = static_cast<float>(base_score);
  if (objective != Objective::kBinaryLogistic) return p;
  if (!(p > 0.0f && p < 1.0f)) {
    return Bad("base_score must be in (0, 1) for a logistic objective");
  }
  return -std::log(1.0f / p - 1.0f);  // ProbToMargin, in float like XGBoost
}

}  // namespace

absl::StatusOr<TreeEnsemble> LoadXgboostDocument(const JsonValue& doc) {
  ASSIGN_OR_RETURN(const JsonValue* version, Member(doc, "version", "$"));
  if (!version->is_array() || version->items().empty() ||
      !version->items()[0].is_number() || version->items()[0].number() < 1) {
    return Bad("$.version: expected [major, minor, patch] with major >= 1");
  }
  ASSIGN_OR_RETURN(const JsonValue* learner, Member(doc, "learner", "$"));
  ASSIGN_OR_RETURN(const JsonValue* obj,
                   Member(*learner, "objective", "learner"));
  ASSIGN_OR_RETURN(std::string obj_name,
                   StringMember(*obj, "name", "objective"));
  ASSIGN_OR_RETURN(Objective objective, ParseObjective(obj_name));
  ASSIGN_OR_RETURN(const JsonValue* mp,
                   Member(*learner, "learner_model_param", "learner"));
  ASSIGN_OR_RETURN(double base_score, NumericParam(*mp, "base_score", "param"));
  ASSIGN_OR_RETURN(double num_feature,
                   NumericParam(*mp, "num_feature", "param"));
  ASSIGN_OR_RETURN(double num_class, NumericParam(*mp, "num_class", "param"));
  if (num_feature < 1 || num_feature > TreeEnsemble::kMaxFeatures ||
      num_class < 0 || num_class > TreeEnsemble::kMaxGroups) {
    return Bad("num_feature or num_class out of range");
  }
  ASSIGN_OR_RETURN(const JsonValue* gb,
                   Member(*learner, "gradient_booster", "learner"));
  ASSIGN_OR_RETURN(std::string booster, StringMember(*gb, "name", "booster"));
  if (booster != "gbtree") {
    return Bad(absl::StrCat("booster \"", booster,
                            "\" is not supported (only gbtree)"));
  }
  ASSIGN_OR_RETURN(const JsonValue* model, Member(*gb, "model", "booster"));
  ASSIGN_OR_RETURN(const JsonValue* trees, Member(*model, "trees", "model"));
  ASSIGN_OR_RETURN(
      std::vector<int32_t> tree_info,
      IntArray(*model, "tree_info", "model", 0, TreeEnsemble::kMaxGroups));
  if (!trees->is_array() || trees->items().size() != tree_info.size()) {
    return Bad("model.trees and model.tree_info differ in length");
  }
  EnsembleSpec spec;
  spec.objective = objective;
  spec.num_features = static_cast<uint32_t>(num_feature);
  if (const JsonValue* names = learner->Find("feature_names");
      names != nullptr) {
    if (!names->is_array()) return Bad("learner.feature_names: not an array");
    for (const JsonValue& n : names->items()) {
      if (!n.is_string()) return Bad("learner.feature_names: not strings");
      spec.feature_names.push_back(n.str());
    }
  }
  spec.num_groups = objective == Objective::kMultiSoftprob
                        ? static_cast<uint32_t>(num_class)
                        : 1;
  if (objective == Objective::kMultiSoftprob && num_class < 2) {
    return Bad("multi:softprob needs num_class >= 2");
  }
  ASSIGN_OR_RETURN(spec.base_margin, BaseMargin(objective, base_score));
  if (trees->items().size() > TreeEnsemble::kMaxTrees)
    return Bad("too many trees");
  spec.trees.reserve(trees->items().size());
  for (size_t i = 0; i < trees->items().size(); ++i) {
    ASSIGN_OR_RETURN(RawTree t, ParseTree(trees->items()[i], i,
                                          static_cast<uint32_t>(tree_info[i])));
    spec.trees.push_back(std::move(t));
  }
  return TreeEnsemble::Compile(spec);
}

absl::StatusOr<TreeEnsemble> LoadXgboostJson(absl::string_view text) {
  ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  return LoadXgboostDocument(doc);
}

absl::StatusOr<TreeEnsemble> LoadXgboostUbjson(absl::string_view bytes) {
  ASSIGN_OR_RETURN(JsonValue doc, ParseUbjson(bytes));
  return LoadXgboostDocument(doc);
}

absl::StatusOr<TreeEnsemble> LoadXgboostModel(absl::string_view bytes) {
  size_t i = 0;
  if (bytes.size() >= 2 && bytes[0] == '{') {
    i = 1;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' ||
                                bytes[i] == '\r' || bytes[i] == '\t')) {
      ++i;
    }
    if (i < bytes.size() && (bytes[i] == '"' || bytes[i] == '}')) {
      return LoadXgboostJson(bytes);
    }
    return LoadXgboostUbjson(bytes);
  }
  return Bad("not an XGBoost JSON or UBJSON model (must start with '{')");
}

}  // namespace rtai::ml
