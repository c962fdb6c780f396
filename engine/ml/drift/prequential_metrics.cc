#include "engine/ml/drift/prequential_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
constexpr uint32_t kMaxWindow = 1u << 20;
}  // namespace

const char* MetricName(Metric m) {
  switch (m) {
    case Metric::kAccuracy:
      return "accuracy";
    case Metric::kLogLoss:
      return "log_loss";
    case Metric::kAuc:
      return "auc";
  }
  return "?";
}

absl::Status PrequentialOptions::Validate() const {
  if (window < 1 || window > kMaxWindow ||
      !(threshold >= 0 && threshold <= 1)) {
    return absl::InvalidArgumentError(
        "prequential metrics: window in [1, 2^20], threshold in [0, 1]");
  }
  return absl::OkStatus();
}

PrequentialMetrics::PrequentialMetrics(const PrequentialOptions& options)
    : options_(options), prob_(options.window, 0.0), label_(options.window, 0) {
  CHECK_OK(options.Validate());
}

double PrequentialMetrics::ClippedLoss(double p, bool label) {
  p = std::clamp(p, 1e-15, 1 - 1e-15);
  return label ? -std::log(p) : -std::log(1 - p);
}

void PrequentialMetrics::Recompute() {
  // Re-summing from the window bounds floating-point drift of add/subtract.
  loss_sum_ = 0;
  const uint64_t w = options_.window;
  for (uint64_t k = 0; k < size_; ++k) {
    const uint64_t i = (head_ + w - size_ + k) % w;
    loss_sum_ += ClippedLoss(prob_[i], label_[i]);
  }
  since_recompute_ = 0;
}

absl::Status PrequentialMetrics::Update(double p, bool label) {
  if (std::isnan(p)) {
    return absl::InvalidArgumentError("prequential metrics: NaN probability");
  }
  p = std::clamp(p, 0.0, 1.0);
  const uint64_t w = options_.window;
  if (size_ == w) {  // evict the oldest
    const double op = prob_[head_];
    const bool ol = label_[head_];
    correct_ -= (op >= options_.threshold) == ol;
    loss_sum_ -= ClippedLoss(op, ol);
    --size_;
  }
  prob_[head_] = p;
  label_[head_] = label;
  head_ = (head_ + 1) % w;
  ++size_;
  ++total_seen_;
  correct_ += (p >= options_.threshold) == label;
  loss_sum_ += ClippedLoss(p, label);
  if (++since_recompute_ >= w) Recompute();
  return absl::OkStatus();
}

double PrequentialMetrics::Accuracy() const {
  return size_ == 0 ? NAN : static_cast<double>(correct_) / size_;
}

double PrequentialMetrics::LogLoss() const {
  return size_ == 0 ? NAN : loss_sum_ / size_;
}

double PrequentialMetrics::Auc() const {
  const uint64_t w = options_.window;
  std::vector<uint32_t> order(size_);
  for (uint64_t k = 0; k < size_; ++k) {
    order[k] = static_cast<uint32_t>((head_ + w - size_ + k) % w);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return prob_[a] < prob_[b] || (prob_[a] == prob_[b] && a < b);
  });
  double pos = 0, rank_sum = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && prob_[order[j]] == prob_[order[i]]) ++j;
    const double avg_rank = (i + 1 + j) / 2.0;  // ranks i+1..j
    for (size_t k = i; k < j; ++k) {
      if (label_[order[k]]) {
        pos += 1;
        rank_sum += avg_rank;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(size_) - pos;
  if (pos == 0 || neg == 0) return NAN;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

double PrequentialMetrics::Get(Metric m) const {
  switch (m) {
    case Metric::kAccuracy:
      return Accuracy();
    case Metric::kLogLoss:
      return LogLoss();
    case Metric::kAuc:
      return Auc();
  }
  return NAN;
}

std::string PrequentialMetrics::Serialize() const {
  StateWriter w(StateTag::kPrequentialMetrics, kVersion);
  w.U32(options_.window);
  w.F64(options_.threshold);
  w.U64(total_seen_);
  w.U64(since_recompute_);
  w.F64(loss_sum_);
  w.U64(size_);
  const uint64_t win = options_.window;
  for (uint64_t k = 0; k < size_; ++k) {  // oldest first
    const uint64_t i = (head_ + win - size_ + k) % win;
    w.F64(prob_[i]);
    w.U8(label_[i]);
  }
  return w.Finish();
}

absl::StatusOr<PrequentialMetrics> PrequentialMetrics::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      StateReader r,
      StateReader::Open(bytes, StateTag::kPrequentialMetrics, kVersion));
  PrequentialOptions o;
  RETURN_IF_ERROR(r.U32(&o.window));
  RETURN_IF_ERROR(r.FiniteF64(&o.threshold));
  RETURN_IF_ERROR(o.Validate());
  PrequentialMetrics m(o);
  uint64_t since, size;
  double loss_sum;
  RETURN_IF_ERROR(r.U64(&m.total_seen_));
  RETURN_IF_ERROR(r.U64(&since));
  RETURN_IF_ERROR(r.FiniteF64(&loss_sum));
  RETURN_IF_ERROR(r.Count(&size, o.window, 9));
  if (size > m.total_seen_ || since >= o.window) {
    return CorruptState("prequential metrics", "inconsistent counters");
  }
  for (uint64_t k = 0; k < size; ++k) {
    double p;
    uint8_t l;
    RETURN_IF_ERROR(r.FiniteF64(&p));
    RETURN_IF_ERROR(r.U8(&l));
    if (p < 0 || p > 1 || l > 1) {
      return CorruptState("prequential metrics", "bad window entry");
    }
    m.prob_[k] = p;
    m.label_[k] = l;
    m.correct_ += (p >= o.threshold) == (l == 1);
  }
  m.size_ = size;
  m.head_ = size % o.window;
  m.loss_sum_ = loss_sum;  // keep the running sum bit-exact
  m.since_recompute_ = since;
  RETURN_IF_ERROR(r.Done());
  return m;
}

}  // namespace rtai::ml
