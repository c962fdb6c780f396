#pragma once
// Hoeffding tree classifier (VFDT, Domingos & Hulten 2000) for numeric
// features. Each leaf keeps per-class weights and, per (feature, class), a
// Gaussian observer (weight, mean, M2, min, max). Every `grace_period` weight
// a leaf evaluates `split_candidates` evenly spaced thresholds per feature by
// information gain (class split estimated from the Gaussians' CDFs) and
// splits on the best one when
//   G(best) - G(second best, or 0) > eps  or  eps < tie_threshold,
//   eps = sqrt(R^2 ln(1/delta) / (2 n)), R = log2(num_classes).
// Routing: x[f] <= threshold goes left; NaN goes left and is not observed.
// Leaves predict adaptively ("NBA", as MOA/River): with Gaussian naive
// Bayes over their observers when that has been right more often (by weight)
// on the leaf's own training examples, else with the class weights (majority).
// Nodes live in one vector, children adjacent and after their parent, so no
// traversal recursion or cycles. Thread safety: none (one owner).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rtai::ml {

class StateReader;

struct HoeffdingTreeOptions {
  uint32_t num_features = 0;          // required, 1..4096
  uint32_t num_classes = 2;           // Default: 2 (2..256)
  uint32_t grace_period = 200;        // Default: 200 (weight between attempts)
  double split_confidence = 1e-7;     // Default: 1e-7 (delta)
  double tie_threshold = 0.05;        // Default: 0.05 (tau)
  uint32_t split_candidates = 10;     // Default: 10 (thresholds per feature)
  double min_branch_fraction = 0.01;  // Default: 0.01 (of the leaf weight)
  uint32_t max_depth = 20;            // Default: 20
  uint32_t max_nodes = 4095;          // Default: 4095 (<= 65535)
  absl::Status Validate() const;
};

class HoeffdingTree {
 public:
  explicit HoeffdingTree(const HoeffdingTreeOptions& options);  // Validate()d

  // x.size() == num_features (CHECKed); out.size() == num_classes.
  void PredictProba(absl::Span<const double> x, absl::Span<double> out) const;
  uint32_t Predict(absl::Span<const double> x) const;
  // Returns InvalidArgument for a label >= num_classes or a bad weight.
  absl::Status Learn(absl::Span<const double> x, uint32_t label,
                     double weight = 1.0);

  size_t num_nodes() const { return nodes_.size(); }
  size_t num_leaves() const;
  uint32_t depth() const;
  const HoeffdingTreeOptions& options() const { return options_; }

  std::string Serialize() const;
  static absl::StatusOr<HoeffdingTree> Deserialize(absl::string_view bytes);

 private:
  struct Gaussian {
    double weight = 0, mean = 0, m2 = 0, min = 0, max = 0;
    void Add(double x, double w);
    double Std() const;
    // Weight of observations estimated <= t.
    double WeightAtOrBelow(double t) const;
  };
  struct Node {
    int32_t feature = -1;  // -1: leaf
    double threshold = 0;
    uint32_t left = 0;  // right = left + 1
    uint32_t depth = 0;
    double weight_at_last_eval = 0;
    double mc_correct = 0;  // weight the majority class predicted right
    double nb_correct = 0;  // weight naive Bayes predicted right
    std::vector<double> class_weight;
    std::vector<Gaussian> stats;  // leaves: [feature * num_classes + class]
  };
  struct Candidate {
    double merit = 0;
    int32_t feature = -1;
    double threshold = 0;
  };

  uint32_t FindLeaf(absl::Span<const double> x) const;
  // Naive Bayes class probabilities at a leaf; false if it has no data.
  bool NaiveBayes(const Node& leaf, absl::Span<const double> x,
                  absl::Span<double> out) const;
  void AttemptSplit(uint32_t leaf);
  Candidate BestSplitFor(const Node& leaf, uint32_t feature) const;
  void Split(uint32_t leaf, const Candidate& c);
  static absl::StatusOr<HoeffdingTree> DecodeNodes(
      const HoeffdingTreeOptions& o, StateReader& r);

  HoeffdingTreeOptions options_;
  std::vector<Node> nodes_;
};

}  // namespace rtai::ml
