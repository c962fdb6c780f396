#pragma once
// A compiled, flat tree-ensemble evaluator (gradient-boosted trees).
//
// All trees live in one array of 12-byte nodes. Each tree is renumbered
// breadth-first so a node's two children are adjacent (right = left + 1) and
// always after their parent; traversal is a branch-light loop that cannot
// cycle. Trees are walked eight at a time in lockstep so their dependent
// loads overlap (memory-level parallelism). Semantics follow XGBoost: go left
// when x < threshold (float32 compare), a NaN feature takes the node's default
// direction, the margin is accumulated in float32 per output group starting
// from the base margin, then the objective's transform is applied.
//
// Thread safety: immutable after Compile(); Predict* are const and safe to
// call concurrently.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace rtai::ml {

enum class Objective {
  kBinaryLogistic,   // one output: sigmoid(margin)
  kRegSquaredError,  // one output: margin
  kMultiSoftprob,    // num_groups outputs: softmax(margins)
};

// Parses "binary:logistic" / "reg:logistic", "reg:squarederror",
// "multi:softprob"; anything else is InvalidArgument.
absl::StatusOr<Objective> ParseObjective(const std::string& name);
const char* ObjectiveName(Objective o);

// One tree in "parallel arrays" form as XGBoost stores it; node 0 is the
// root, left/right are -1 for leaves (else right == left + 1, which XGBoost
// requires), `value` is the threshold of a split
// node or the value of a leaf.
struct RawTree {
  std::vector<int32_t> left;
  std::vector<int32_t> right;
  std::vector<uint32_t> feature;
  std::vector<float> value;
  std::vector<uint8_t> default_left;
  uint32_t group = 0;  // output (class) this tree adds to
};

struct EnsembleSpec {
  Objective objective = Objective::kBinaryLogistic;
  uint32_t num_features = 0;
  // Optional column names (empty, or exactly num_features distinct names).
  std::vector<std::string> feature_names;
  uint32_t num_groups = 1;  // > 1 only for kMultiSoftprob
  float base_margin = 0;    // already in margin space
  std::vector<RawTree> trees;
};

class TreeEnsemble {
 public:
  // Limits checked by Compile (a hostile model cannot make us allocate or
  // recurse without bound). Default: 100k trees, 16M nodes, depth 64,
  // 1M features, 10k groups.
  static constexpr uint32_t kMaxTrees = 100000;
  static constexpr uint32_t kMaxNodes = 16u << 20;
  static constexpr uint32_t kMaxDepth = 64;
  static constexpr uint32_t kMaxFeatures = 1u << 20;
  static constexpr uint32_t kMaxGroups = 10000;

  // Validates (indices in range, every node reached exactly once from the
  // root, both children or none, features < num_features, finite values,
  // depth <= kMaxDepth) and flattens.
  static absl::StatusOr<TreeEnsemble> Compile(const EnsembleSpec& spec);

  Objective objective() const { return objective_; }
  uint32_t num_features() const { return num_features_; }
  // Names the model was trained with (XGBoost's feature_names), or empty.
  const std::vector<std::string>& feature_names() const {
    return feature_names_;
  }
  uint32_t num_outputs() const { return num_groups_; }
  size_t num_trees() const { return roots_.size(); }
  size_t num_nodes() const { return nodes_.size(); }

  // `row` has num_features() floats (NaN = missing); `out` has
  // num_outputs() floats. PredictRow applies the objective's transform.
  void PredictMargin(const float* row, float* out) const;
  void PredictRow(const float* row, float* out) const;
  // Row-major batch: rows.size() == n * num_features(), out n * num_outputs().
  void PredictBatch(absl::Span<const float> rows, absl::Span<float> out) const;

 private:
  struct FlatNode {
    uint32_t feature;  // kLeafBit set for leaves; kDefaultLeftBit for NaN
    float value;       // threshold or leaf value
    uint32_t left;     // absolute index of the left child
  };
  static_assert(sizeof(FlatNode) == 12);
  static constexpr uint32_t kLeafBit = 1u << 31;
  static constexpr uint32_t kDefaultLeftBit = 1u << 30;
  static constexpr uint32_t kFeatureMask = kDefaultLeftBit - 1;

  static absl::Status AppendTree(const RawTree& tree, uint32_t num_features,
                                 size_t tree_index,
                                 std::vector<FlatNode>* nodes, uint8_t* depth);
  float Leaf(uint32_t root, const float* row) const;
  // One traversal step; a leaf steps to itself.
  uint32_t Step(uint32_t i, const float* row) const;
  void PredictMarginSingleGroup(const float* row, float* out) const;

  Objective objective_ = Objective::kBinaryLogistic;
  uint32_t num_features_ = 0;
  std::vector<std::string> feature_names_;
  uint32_t num_groups_ = 1;
  float base_margin_ = 0;
  std::vector<FlatNode> nodes_;
  std::vector<uint32_t> roots_;
  std::vector<uint32_t> groups_;
  std::vector<uint8_t> depths_;  // per tree: max root-to-leaf edges
};

}  // namespace rtai::ml
