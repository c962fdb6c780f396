#include "engine/ml/model/tree_ensemble.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"

namespace rtai::ml {
namespace {
absl::Status TreeError(size_t tree, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("tree ", tree, ": ", what));
}
}  // namespace

absl::StatusOr<Objective> ParseObjective(const std::string& name) {
  if (name == "binary:logistic" || name == "reg:logistic") {
    return Objective::kBinaryLogistic;
  }
  if (name == "reg:squarederror") return Objective::kRegSquaredError;
  if (name == "multi:softprob") return Objective::kMultiSoftprob;
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported objective \"", name,
      "\" (supported: binary:logistic, reg:logistic, reg:squarederror, "
      "multi:softprob)"));
}

const char* ObjectiveName(Objective o) {
  switch (o) {
    case Objective::kBinaryLogistic:
      return "binary:logistic";
    case Objective::kRegSquaredError:
      return "reg:squarederror";
    case Objective::kMultiSoftprob:
      return "multi:softprob";
  }
  return "?";
}

absl::Status TreeEnsemble::AppendTree(const RawTree& t, uint32_t num_features,
                                      size_t ti, std::vector<FlatNode>* nodes,
                                      uint8_t* depth) {
  const size_t n = t.left.size();
  if (n == 0) return TreeError(ti, "no nodes");
  if (t.right.size() != n || t.feature.size() != n || t.value.size() != n ||
      t.default_left.size() != n) {
    return TreeError(ti, "node arrays differ in length");
  }
  if (nodes->size() + n > kMaxNodes) return TreeError(ti, "too many nodes");
  // Breadth-first renumbering; `order` holds original ids in new order.
  std::vector<int32_t> order;
  std::vector<uint8_t> depth_of(n, 0);
  std::vector<uint8_t> seen(n, 0);
  order.reserve(n);
  order.push_back(0);
  seen[0] = 1;
  for (size_t head = 0; head < order.size(); ++head) {
    const int32_t id = order[head];
    const int32_t l = t.left[id], r = t.right[id];
    if ((l == -1) != (r == -1)) return TreeError(ti, "node with one child");
    if (l == -1) continue;
    // XGBoost's own predictor takes the right child to be left + 1; a file
    // breaking that would be predicted differently by XGBoost, so reject it.
    if (r != l + 1) return TreeError(ti, "right child is not left child + 1");
    for (int32_t c : {l, r}) {
      if (c < 0 || static_cast<size_t>(c) >= n) {
        return TreeError(ti, "child index out of range");
      }
      if (seen[c]) return TreeError(ti, "node reached twice (not a tree)");
      seen[c] = 1;
      depth_of[c] = depth_of[id] + 1;
      if (depth_of[c] > kMaxDepth) return TreeError(ti, "deeper than 64");
      order.push_back(c);
    }
  }
  *depth = 0;
  for (int32_t id : order) *depth = std::max(*depth, depth_of[id]);
  std::vector<uint32_t> new_index(n, 0);
  const uint32_t base = static_cast<uint32_t>(nodes->size());
  for (size_t k = 0; k < order.size(); ++k) {
    new_index[order[k]] = base + static_cast<uint32_t>(k);
  }
  for (int32_t id : order) {
    FlatNode node;
    node.value = t.value[id];
    if (!std::isfinite(node.value)) return TreeError(ti, "non-finite value");
    if (t.left[id] == -1) {
      node.feature = kLeafBit;
      node.left = 0;
    } else {
      if (t.feature[id] >= num_features) {
        return TreeError(ti, absl::StrCat("split feature ", t.feature[id],
                                          " >= num_features ", num_features));
      }
      if (new_index[t.right[id]] != new_index[t.left[id]] + 1) {
        return TreeError(ti, "internal: children not adjacent");
      }
      node.feature = t.feature[id] | (t.default_left[id] ? kDefaultLeftBit : 0);
      node.left = new_index[t.left[id]];
    }
    nodes->push_back(node);
  }
  return absl::OkStatus();
}

absl::StatusOr<TreeEnsemble> TreeEnsemble::Compile(const EnsembleSpec& spec) {
  if (spec.num_features == 0 || spec.num_features > kMaxFeatures) {
    return absl::InvalidArgumentError("num_features must be in [1, 2^20]");
  }
  if (spec.num_groups == 0 || spec.num_groups > kMaxGroups) {
    return absl::InvalidArgumentError("num_groups must be in [1, 10000]");
  }
  if ((spec.objective == Objective::kMultiSoftprob) != (spec.num_groups > 1)) {
    return absl::InvalidArgumentError(
        "more than one output group requires multi:softprob (and vice versa)");
  }
  if (spec.trees.size() > kMaxTrees) {
    return absl::InvalidArgumentError("too many trees");
  }
  if (!std::isfinite(spec.base_margin)) {
    return absl::InvalidArgumentError("base margin is not finite");
  }
  if (!spec.feature_names.empty()) {
    if (spec.feature_names.size() != spec.num_features) {
      return absl::InvalidArgumentError(
          "feature_names must be empty or one per feature");
    }
    absl::flat_hash_set<std::string> seen;
    for (const std::string& name : spec.feature_names) {
      if (!seen.insert(name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("duplicate feature name \"", name, "\""));
      }
    }
  }
  TreeEnsemble e;
  e.feature_names_ = spec.feature_names;
  e.objective_ = spec.objective;
  e.num_features_ = spec.num_features;
  e.num_groups_ = spec.num_groups;
  e.base_margin_ = spec.base_margin;
  for (size_t i = 0; i < spec.trees.size(); ++i) {
    const RawTree& t = spec.trees[i];
    if (t.group >= spec.num_groups) return TreeError(i, "group out of range");
    e.roots_.push_back(static_cast<uint32_t>(e.nodes_.size()));
    e.groups_.push_back(t.group);
    uint8_t depth = 0;
    if (auto s = AppendTree(t, spec.num_features, i, &e.nodes_, &depth);
        !s.ok()) {
      return s;
    }
    e.depths_.push_back(depth);
  }
  return e;
}

inline float TreeEnsemble::Leaf(uint32_t i, const float* row) const {
  const FlatNode* nodes = nodes_.data();
  while (!(nodes[i].feature & kLeafBit)) {
    const FlatNode& n = nodes[i];
    const float x = row[n.feature & kFeatureMask];
    const bool left =
        std::isnan(x) ? (n.feature & kDefaultLeftBit) != 0 : x < n.value;
    i = n.left + (left ? 0 : 1);
  }
  return nodes[i].value;
}

inline uint32_t TreeEnsemble::Step(uint32_t i, const float* row) const {
  const FlatNode& n = nodes_[i];
  if (n.feature & kLeafBit) return i;
  const float x = row[n.feature & kFeatureMask];
  const bool left =
      std::isnan(x) ? (n.feature & kDefaultLeftBit) != 0 : x < n.value;
  return n.left + (left ? 0 : 1);
}

void TreeEnsemble::PredictMarginSingleGroup(const float* row,
                                            float* out) const {
  // Sums leaves in tree order (as XGBoost does) so float results match.
  float sum = base_margin_;
  const size_t n = roots_.size();
  size_t t = 0;
  constexpr size_t kLanes = 8;
  for (; t + kLanes <= n; t += kLanes) {
    uint32_t idx[kLanes];
    uint8_t d = 0;
    for (size_t k = 0; k < kLanes; ++k) {
      idx[k] = roots_[t + k];
      d = std::max(d, depths_[t + k]);
    }
    for (uint8_t level = 0; level < d; ++level) {
      for (size_t k = 0; k < kLanes; ++k) idx[k] = Step(idx[k], row);
    }
    for (size_t k = 0; k < kLanes; ++k) sum += nodes_[idx[k]].value;
  }
  for (; t < n; ++t) sum += Leaf(roots_[t], row);
  out[0] = sum;
}

void TreeEnsemble::PredictMargin(const float* row, float* out) const {
  if (num_groups_ == 1) return PredictMarginSingleGroup(row, out);
  for (uint32_t g = 0; g < num_groups_; ++g) out[g] = base_margin_;
  for (size_t t = 0; t < roots_.size(); ++t) {
    out[groups_[t]] += Leaf(roots_[t], row);
  }
}

void TreeEnsemble::PredictRow(const float* row, float* out) const {
  PredictMargin(row, out);
  switch (objective_) {
    case Objective::kRegSquaredError:
      return;
    case Objective::kBinaryLogistic:
      out[0] = 1.0f / (1.0f + std::exp(-out[0]));
      return;
    case Objective::kMultiSoftprob: {
      float max = out[0];
      for (uint32_t g = 1; g < num_groups_; ++g) max = std::max(max, out[g]);
      float sum = 0;
      for (uint32_t g = 0; g < num_groups_; ++g) {
        out[g] = std::exp(out[g] - max);
        sum += out[g];
      }
      for (uint32_t g = 0; g < num_groups_; ++g) out[g] /= sum;
      return;
    }
  }
}

void TreeEnsemble::PredictBatch(absl::Span<const float> rows,
                                absl::Span<float> out) const {
  CHECK_EQ(rows.size() % num_features_, 0u);
  const size_t n = rows.size() / num_features_;
  CHECK_EQ(out.size(), n * num_groups_);
  for (size_t r = 0; r < n; ++r) {
    PredictRow(rows.data() + r * num_features_, out.data() + r * num_groups_);
  }
}

}  // namespace rtai::ml
