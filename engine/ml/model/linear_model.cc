#include "engine/ml/model/linear_model.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/model/json_value.h"

namespace rtai::ml {
namespace {
absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("linear model: ", what));
}

absl::Status ParseHashing(const JsonValue& h,
                          std::optional<FeatureHasher>* hasher,
                          std::vector<double>* weights) {
  ASSIGN_OR_RETURN(double buckets, NumberMember(h, "num_buckets", "hashing"));
  ASSIGN_OR_RETURN(double seed, NumberMember(h, "seed", "hashing"));
  if (buckets < 1 || buckets > LinearModel::kMaxBuckets ||
      buckets != std::floor(buckets)) {
    return Bad("hashing.num_buckets must be an integer in [1, 2^24]");
  }
  if (seed < 0 || seed > 9007199254740992.0 || seed != std::floor(seed)) {
    return Bad("hashing.seed must be a non-negative integer <= 2^53");
  }
  ASSIGN_OR_RETURN(*weights, NumberArrayMember(h, "weights", "hashing"));
  if (weights->size() != static_cast<size_t>(buckets)) {
    return Bad("hashing.weights must have num_buckets entries");
  }
  hasher->emplace(static_cast<uint32_t>(buckets), static_cast<uint64_t>(seed));
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<LinearModel> LinearModel::FromJson(absl::string_view text) {
  ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  ASSIGN_OR_RETURN(std::string format, StringMember(doc, "format", "$"));
  if (format != "rtai.linear") return Bad("format must be \"rtai.linear\"");
  ASSIGN_OR_RETURN(double version, NumberMember(doc, "version", "$"));
  if (version != 1) return Bad(absl::StrCat("unsupported version ", version));
  LinearModel m;
  ASSIGN_OR_RETURN(std::string objective, StringMember(doc, "objective", "$"));
  ASSIGN_OR_RETURN(m.objective_, ParseObjective(objective));
  if (m.objective_ == Objective::kMultiSoftprob) {
    return Bad("multi:softprob is not a linear objective here");
  }
  ASSIGN_OR_RETURN(m.intercept_, NumberMember(doc, "intercept", "$"));
  ASSIGN_OR_RETURN(const JsonValue* w, Member(doc, "weights", "$"));
  if (!w->is_object()) return Bad("weights must be an object");
  if (w->items().size() > kMaxNamedWeights) return Bad("too many weights");
  for (size_t i = 0; i < w->items().size(); ++i) {
    if (!w->items()[i].is_number()) {
      return Bad(absl::StrCat("weight \"", w->keys()[i], "\" is not a number"));
    }
    m.weights_.emplace_back(w->keys()[i], w->items()[i].number());
  }
  if (const JsonValue* h = doc.Find("hashing"); h != nullptr) {
    RETURN_IF_ERROR(ParseHashing(*h, &m.hasher_, &m.hashed_weights_));
  }
  return m;
}

absl::StatusOr<std::vector<double>> LinearModel::Bind(
    const std::vector<std::string>& schema) const {
  absl::flat_hash_map<std::string, size_t> column;
  for (size_t i = 0; i < schema.size(); ++i) column.emplace(schema[i], i);
  std::vector<double> bound(schema.size(), 0.0);
  for (const auto& [name, weight] : weights_) {
    auto it = column.find(name);
    if (it == column.end()) {
      return Bad(absl::StrCat("feature \"", name, "\" is not in the schema"));
    }
    bound[it->second] = weight;
  }
  return bound;
}

double LinearModel::Predict(const std::vector<double>& bound,
                            absl::Span<const float> row,
                            absl::Span<const StringFeature> strings) const {
  CHECK_EQ(bound.size(), row.size());
  double z = intercept_;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!std::isnan(row[i])) z += bound[i] * row[i];  // NaN = absent
  }
  if (hasher_.has_value()) {
    for (const auto& [name, value] : strings) {
      z += hashed_weights_[hasher_->Bucket(name, value)];
    }
  }
  if (objective_ == Objective::kBinaryLogistic)
    return 1.0 / (1.0 + std::exp(-z));
  return z;
}

}  // namespace rtai::ml
