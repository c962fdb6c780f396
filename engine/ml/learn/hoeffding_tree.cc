#include "engine/ml/learn/hoeffding_tree.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;

double Entropy(const double* w, uint32_t k) {
  double total = 0;
  for (uint32_t i = 0; i < k; ++i) total += w[i];
  if (total <= 0) return 0;
  double h = 0;
  for (uint32_t i = 0; i < k; ++i) {
    if (w[i] > 0) {
      const double p = w[i] / total;
      h -= p * std::log2(p);
    }
  }
  return h;
}
}  // namespace

absl::Status HoeffdingTreeOptions::Validate() const {
  if (num_features < 1 || num_features > 4096) {
    return absl::InvalidArgumentError(
        "hoeffding tree: num_features in [1, 4096]");
  }
  if (num_classes < 2 || num_classes > 256) {
    return absl::InvalidArgumentError(
        "hoeffding tree: num_classes in [2, 256]");
  }
  if (grace_period < 1 || split_candidates < 1 || split_candidates > 1000 ||
      !(split_confidence > 0 && split_confidence < 1) ||
      !(tie_threshold >= 0 && tie_threshold < 1e9) ||
      !(min_branch_fraction >= 0 && min_branch_fraction < 0.5) ||
      max_depth > 64 || max_nodes < 1 || max_nodes > 65535) {
    return absl::InvalidArgumentError("hoeffding tree: option out of range");
  }
  return absl::OkStatus();
}

void HoeffdingTree::Gaussian::Add(double x, double w) {
  if (weight == 0) {
    min = max = x;
  } else {
    min = std::min(min, x);
    max = std::max(max, x);
  }
  const double new_weight = weight + w;
  const double delta = x - mean;
  mean += w * delta / new_weight;
  m2 += w * delta * (x - mean);
  weight = new_weight;
}

double HoeffdingTree::Gaussian::Std() const {
  return weight > 1 ? std::sqrt(std::max(0.0, m2 / (weight - 1))) : 0.0;
}

double HoeffdingTree::Gaussian::WeightAtOrBelow(double t) const {
  if (weight == 0 || t < min) return 0;
  if (t >= max) return weight;
  const double sd = Std();
  if (sd <= 0) return mean <= t ? weight : 0;
  return weight * 0.5 * std::erfc(-(t - mean) / (sd * M_SQRT2));
}

HoeffdingTree::HoeffdingTree(const HoeffdingTreeOptions& options)
    : options_(options) {
  CHECK_OK(options.Validate());
  Node root;
  root.class_weight.assign(options.num_classes, 0.0);
  root.stats.resize(size_t{options.num_features} * options.num_classes);
  nodes_.push_back(std::move(root));
}

uint32_t HoeffdingTree::FindLeaf(absl::Span<const double> x) const {
  uint32_t i = 0;
  while (nodes_[i].feature >= 0) {
    const Node& n = nodes_[i];
    const double v = x[n.feature];
    i = n.left + ((std::isnan(v) || v <= n.threshold) ? 0 : 1);
  }
  return i;
}

bool HoeffdingTree::NaiveBayes(const Node& leaf, absl::Span<const double> x,
                               absl::Span<double> out) const {
  const uint32_t k = options_.num_classes;
  double total = 0;
  for (double w : leaf.class_weight) total += w;
  if (total <= 0 || leaf.stats.empty()) return false;
  double best = -INFINITY;
  for (uint32_t c = 0; c < k; ++c) {
    const double wc = leaf.class_weight[c];
    if (wc <= 0) {
      out[c] = -INFINITY;
      continue;
    }
    double logp = std::log(wc / total);
    for (uint32_t f = 0; f < options_.num_features; ++f) {
      const Gaussian& g = leaf.stats[size_t{f} * k + c];
      const double sd = g.Std();
      if (sd <= 0 || !std::isfinite(x[f])) continue;
      const double u = (x[f] - g.mean) / sd;
      logp += -0.5 * u * u - std::log(sd);
    }
    out[c] = logp;
    best = std::max(best, logp);
  }
  double sum = 0;
  for (uint32_t c = 0; c < k; ++c) {
    out[c] = std::isinf(out[c]) ? 0.0 : std::exp(out[c] - best);
    sum += out[c];
  }
  for (uint32_t c = 0; c < k; ++c) out[c] /= sum;
  return true;
}

void HoeffdingTree::PredictProba(absl::Span<const double> x,
                                 absl::Span<double> out) const {
  CHECK_EQ(x.size(), options_.num_features);
  CHECK_EQ(out.size(), options_.num_classes);
  const Node& leaf = nodes_[FindLeaf(x)];
  if (leaf.nb_correct > leaf.mc_correct && NaiveBayes(leaf, x, out)) return;
  double total = 0;
  for (double w : leaf.class_weight) total += w;
  for (uint32_t k = 0; k < options_.num_classes; ++k) {
    out[k] =
        total > 0 ? leaf.class_weight[k] / total : 1.0 / options_.num_classes;
  }
}

uint32_t HoeffdingTree::Predict(absl::Span<const double> x) const {
  std::vector<double> p(options_.num_classes);
  PredictProba(x, absl::MakeSpan(p));
  return static_cast<uint32_t>(std::max_element(p.begin(), p.end()) -
                               p.begin());
}

absl::Status HoeffdingTree::Learn(absl::Span<const double> x, uint32_t label,
                                  double weight) {
  CHECK_EQ(x.size(), options_.num_features);
  if (label >= options_.num_classes) {
    return absl::InvalidArgumentError("hoeffding tree: label out of range");
  }
  if (!(weight > 0) || !std::isfinite(weight)) {
    return absl::InvalidArgumentError("hoeffding tree: weight must be > 0");
  }
  const uint32_t li = FindLeaf(x);
  Node& leaf = nodes_[li];
  {  // score both leaf predictors on this example before learning it
    std::vector<double> p(options_.num_classes);
    const auto argmax = [&] {
      return static_cast<uint32_t>(std::max_element(p.begin(), p.end()) -
                                   p.begin());
    };
    p = leaf.class_weight;
    if (argmax() == label) leaf.mc_correct += weight;
    if (NaiveBayes(leaf, x, absl::MakeSpan(p)) && argmax() == label) {
      leaf.nb_correct += weight;
    }
  }
  leaf.class_weight[label] += weight;
  for (uint32_t f = 0; f < options_.num_features; ++f) {
    if (std::isnan(x[f]) || std::isinf(x[f])) continue;
    leaf.stats[size_t{f} * options_.num_classes + label].Add(x[f], weight);
  }
  double total = 0;
  for (double w : leaf.class_weight) total += w;
  if (total - leaf.weight_at_last_eval >= options_.grace_period) {
    leaf.weight_at_last_eval = total;
    AttemptSplit(li);
  }
  return absl::OkStatus();
}

HoeffdingTree::Candidate HoeffdingTree::BestSplitFor(const Node& leaf,
                                                     uint32_t f) const {
  const uint32_t k = options_.num_classes;
  const Gaussian* g = &leaf.stats[size_t{f} * k];
  double lo = 0, hi = 0, total = 0;
  bool any = false;
  for (uint32_t c = 0; c < k; ++c) {
    if (g[c].weight == 0) continue;
    lo = any ? std::min(lo, g[c].min) : g[c].min;
    hi = any ? std::max(hi, g[c].max) : g[c].max;
    total += g[c].weight;
    any = true;
  }
  Candidate best;
  if (!any || !(hi > lo)) return best;
  const double parent = Entropy(leaf.class_weight.data(), k);
  std::vector<double> left(k), right(k);
  for (uint32_t s = 1; s <= options_.split_candidates; ++s) {
    const double t = lo + (hi - lo) * s / (options_.split_candidates + 1);
    double wl = 0;
    for (uint32_t c = 0; c < k; ++c) {
      left[c] = g[c].WeightAtOrBelow(t);
      right[c] = g[c].weight - left[c];
      wl += left[c];
    }
    const double wr = total - wl;
    const double min_branch = options_.min_branch_fraction * total;
    if (wl < min_branch || wr < min_branch || wl <= 0 || wr <= 0) continue;
    const double merit =
        parent -
        (wl * Entropy(left.data(), k) + wr * Entropy(right.data(), k)) / total;
    if (merit > best.merit) best = {merit, static_cast<int32_t>(f), t};
  }
  return best;
}

void HoeffdingTree::AttemptSplit(uint32_t li) {
  const Node& leaf = nodes_[li];
  if (leaf.depth >= options_.max_depth ||
      nodes_.size() + 2 > options_.max_nodes) {
    return;
  }
  uint32_t nonzero = 0;
  double n = 0;
  for (double w : leaf.class_weight) {
    nonzero += w > 0;
    n += w;
  }
  if (nonzero < 2) return;
  Candidate best, second;  // second: best of the other features (or null)
  for (uint32_t f = 0; f < options_.num_features; ++f) {
    const Candidate c = BestSplitFor(leaf, f);
    if (c.merit > best.merit) {
      second = best;
      best = c;
    } else if (c.merit > second.merit) {
      second = c;
    }
  }
  if (best.feature < 0) return;
  const double r = std::log2(static_cast<double>(options_.num_classes));
  const double eps =
      std::sqrt(r * r * std::log(1.0 / options_.split_confidence) / (2.0 * n));
  if (best.merit - second.merit > eps || eps < options_.tie_threshold) {
    Split(li, best);
  }
}

void HoeffdingTree::Split(uint32_t li, const Candidate& c) {
  const uint32_t k = options_.num_classes;
  Node left, right;
  left.depth = right.depth = nodes_[li].depth + 1;
  left.class_weight.assign(k, 0.0);
  right.class_weight.assign(k, 0.0);
  const Gaussian* g = &nodes_[li].stats[size_t(c.feature) * k];
  for (uint32_t cl = 0; cl < k; ++cl) {
    left.class_weight[cl] = g[cl].WeightAtOrBelow(c.threshold);
    right.class_weight[cl] = g[cl].weight - left.class_weight[cl];
  }
  left.stats.resize(size_t{options_.num_features} * k);
  right.stats.resize(size_t{options_.num_features} * k);
  for (Node* child : {&left, &right}) {
    double w = 0;
    for (double v : child->class_weight) w += v;
    child->weight_at_last_eval = w;
  }
  Node& parent = nodes_[li];
  parent.feature = c.feature;
  parent.threshold = c.threshold;
  parent.left = static_cast<uint32_t>(nodes_.size());
  parent.stats.clear();
  parent.stats.shrink_to_fit();
  nodes_.push_back(std::move(left));  // invalidates `parent`
  nodes_.push_back(std::move(right));
}

size_t HoeffdingTree::num_leaves() const {
  size_t n = 0;
  for (const Node& node : nodes_) n += node.feature < 0;
  return n;
}

uint32_t HoeffdingTree::depth() const {
  uint32_t d = 0;
  for (const Node& node : nodes_) d = std::max(d, node.depth);
  return d;
}

std::string HoeffdingTree::Serialize() const {
  StateWriter w(StateTag::kHoeffdingTree, kVersion);
  const HoeffdingTreeOptions& o = options_;
  w.U32(o.num_features);
  w.U32(o.num_classes);
  w.U32(o.grace_period);
  w.F64(o.split_confidence);
  w.F64(o.tie_threshold);
  w.U32(o.split_candidates);
  w.F64(o.min_branch_fraction);
  w.U32(o.max_depth);
  w.U32(o.max_nodes);
  w.U64(nodes_.size());
  for (const Node& n : nodes_) {
    w.U32(static_cast<uint32_t>(n.feature));
    w.F64(n.threshold);
    w.U32(n.left);
    w.U32(n.depth);
    w.F64(n.weight_at_last_eval);
    w.F64(n.mc_correct);
    w.F64(n.nb_correct);
    for (double cw : n.class_weight) w.F64(cw);
    w.U64(n.stats.size());
    for (const Gaussian& g : n.stats) {
      for (double v : {g.weight, g.mean, g.m2, g.min, g.max}) w.F64(v);
    }
  }
  return w.Finish();
}

absl::StatusOr<HoeffdingTree> HoeffdingTree::DecodeNodes(
    const HoeffdingTreeOptions& o, StateReader& r) {
  HoeffdingTree t(o);
  uint64_t count;
  RETURN_IF_ERROR(r.Count(&count, o.max_nodes, 4 + 8 + 4 + 4 + 8 * 4));
  if (count == 0) return CorruptState("hoeffding tree", "no nodes");
  t.nodes_.resize(count);
  std::vector<uint8_t> referenced(count, 0);
  const size_t stats_size = size_t{o.num_features} * o.num_classes;
  for (uint64_t i = 0; i < count; ++i) {
    Node& n = t.nodes_[i];
    uint32_t feature;
    RETURN_IF_ERROR(r.U32(&feature));
    n.feature = static_cast<int32_t>(feature);
    RETURN_IF_ERROR(r.FiniteF64(&n.threshold));
    RETURN_IF_ERROR(r.U32(&n.left));
    RETURN_IF_ERROR(r.U32(&n.depth));
    RETURN_IF_ERROR(r.FiniteF64(&n.weight_at_last_eval));
    RETURN_IF_ERROR(r.FiniteF64(&n.mc_correct));
    RETURN_IF_ERROR(r.FiniteF64(&n.nb_correct));
    n.class_weight.resize(o.num_classes);
    for (double& cw : n.class_weight) {
      RETURN_IF_ERROR(r.FiniteF64(&cw));
      if (cw < 0) return CorruptState("hoeffding tree", "negative weight");
    }
    uint64_t ns;
    RETURN_IF_ERROR(r.Count(&ns, stats_size, 5 * 8));
    const bool leaf = n.feature == -1;
    if (!leaf && (n.feature < 0 || feature >= o.num_features || n.left <= i ||
                  n.left + 1ull >= count || referenced[n.left] ||
                  referenced[n.left + 1] || ns != 0)) {
      return CorruptState("hoeffding tree", "bad split node");
    }
    if (leaf && ns != stats_size) {
      return CorruptState("hoeffding tree", "leaf statistics missing");
    }
    if (!leaf) referenced[n.left] = referenced[n.left + 1] = 1;
    if (n.depth > o.max_depth)
      return CorruptState("hoeffding tree", "too deep");
    n.stats.resize(ns);
    for (Gaussian& g : n.stats) {
      for (double* v : {&g.weight, &g.mean, &g.m2, &g.min, &g.max}) {
        RETURN_IF_ERROR(r.FiniteF64(v));
      }
      if (g.weight < 0 || g.m2 < 0) {
        return CorruptState("hoeffding tree", "bad gaussian statistics");
      }
    }
  }
  for (uint64_t i = 1; i < count; ++i) {
    if (!referenced[i]) return CorruptState("hoeffding tree", "orphan node");
  }
  return t;
}

absl::StatusOr<HoeffdingTree> HoeffdingTree::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      StateReader r,
      StateReader::Open(bytes, StateTag::kHoeffdingTree, kVersion));
  HoeffdingTreeOptions o;
  RETURN_IF_ERROR(r.U32(&o.num_features));
  RETURN_IF_ERROR(r.U32(&o.num_classes));
  RETURN_IF_ERROR(r.U32(&o.grace_period));
  RETURN_IF_ERROR(r.FiniteF64(&o.split_confidence));
  RETURN_IF_ERROR(r.FiniteF64(&o.tie_threshold));
  RETURN_IF_ERROR(r.U32(&o.split_candidates));
  RETURN_IF_ERROR(r.FiniteF64(&o.min_branch_fraction));
  RETURN_IF_ERROR(r.U32(&o.max_depth));
  RETURN_IF_ERROR(r.U32(&o.max_nodes));
  RETURN_IF_ERROR(o.Validate());
  ASSIGN_OR_RETURN(HoeffdingTree t, DecodeNodes(o, r));
  RETURN_IF_ERROR(r.Done());
  return t;
}

}  // namespace rtai::ml
