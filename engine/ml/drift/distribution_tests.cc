#include "engine/ml/drift/distribution_tests.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
constexpr uint32_t kMaxWindow = 1u << 20;
}  // namespace

double PopulationStabilityIndex(absl::Span<const double> reference,
                                absl::Span<const double> current,
                                uint32_t bins) {
  CHECK_GE(bins, 2u);
  if (reference.empty() || current.empty()) return NAN;
  std::vector<double> ref(reference.begin(), reference.end());
  std::sort(ref.begin(), ref.end());
  std::vector<double> edges;
  for (uint32_t k = 1; k < bins; ++k) {
    edges.push_back(ref[static_cast<size_t>(k) * ref.size() / bins]);
  }
  auto bin_of = [&](double x) {
    return static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                               edges.begin());
  };
  std::vector<double> e(bins, 0.0), a(bins, 0.0);
  for (double x : ref) e[bin_of(x)] += 1;
  for (double x : current) a[bin_of(x)] += 1;
  double psi = 0;
  for (uint32_t i = 0; i < bins; ++i) {
    const double ei = std::max(e[i] / ref.size(), 1e-4);
    const double ai = std::max(a[i] / current.size(), 1e-4);
    psi += (ai - ei) * std::log(ai / ei);
  }
  return psi;
}

double KolmogorovSurvival(double lambda) {
  if (lambda <= 0) return 1.0;
  if (lambda < 0.2) return 1.0;  // series converges slowly; Q > 0.9999
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-17) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

KsResult KolmogorovSmirnov(absl::Span<const double> a_in,
                           absl::Span<const double> b_in) {
  KsResult r;
  if (a_in.empty() || b_in.empty()) return {NAN, NAN};
  std::vector<double> a(a_in.begin(), a_in.end()), b(b_in.begin(), b_in.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  size_t i = 0, j = 0;
  const double n = a.size(), m = b.size();
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    r.statistic = std::max(r.statistic, std::fabs(i / n - j / m));
  }
  r.p_value = KolmogorovSurvival(std::sqrt(n * m / (n + m)) * r.statistic);
  return r;
}

absl::Status DistributionMonitorOptions::Validate() const {
  if (reference_size < 2 || reference_size > kMaxWindow || window < 2 ||
      window > kMaxWindow || bins < 2 || bins > 1000) {
    return absl::InvalidArgumentError(
        "distribution monitor: sizes in [2, 2^20], bins in [2, 1000]");
  }
  return absl::OkStatus();
}

DistributionMonitor::DistributionMonitor(const DistributionMonitorOptions& o)
    : options_(o) {
  CHECK_OK(o.Validate());
}

void DistributionMonitor::Add(double x) {
  if (!std::isfinite(x)) {
    ++ignored_;
    return;
  }
  if (reference_.size() < options_.reference_size) {
    reference_.push_back(x);
    return;
  }
  if (current_.size() < options_.window) {
    current_.push_back(x);
  } else {
    current_[head_] = x;
  }
  head_ = (head_ + 1) % options_.window;
}

bool DistributionMonitor::ready() const {
  return reference_.size() == options_.reference_size &&
         current_.size() == options_.window;
}

std::vector<double> DistributionMonitor::CurrentInOrder() const {
  std::vector<double> out;
  out.reserve(current_.size());
  const size_t start = current_.size() < options_.window ? 0 : head_;
  for (size_t k = 0; k < current_.size(); ++k) {
    out.push_back(current_[(start + k) % current_.size()]);
  }
  return out;
}

double DistributionMonitor::Psi() const {
  return PopulationStabilityIndex(reference_, current_, options_.bins);
}

KsResult DistributionMonitor::Ks() const {
  return KolmogorovSmirnov(reference_, current_);
}

void DistributionMonitor::RebaseReference() {
  std::vector<double> cur = CurrentInOrder();
  if (cur.size() > options_.reference_size) {
    cur.erase(cur.begin(), cur.end() - options_.reference_size);
  }
  reference_ = std::move(cur);
  current_.clear();
  head_ = 0;
}

std::string DistributionMonitor::Serialize() const {
  StateWriter w(StateTag::kDistributionMonitor, kVersion);
  w.U32(options_.reference_size);
  w.U32(options_.window);
  w.U32(options_.bins);
  w.U64(ignored_);
  w.F64Vector(reference_);
  w.F64Vector(CurrentInOrder());
  return w.Finish();
}

absl::StatusOr<DistributionMonitor> DistributionMonitor::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      StateReader r,
      StateReader::Open(bytes, StateTag::kDistributionMonitor, kVersion));
  DistributionMonitorOptions o;
  RETURN_IF_ERROR(r.U32(&o.reference_size));
  RETURN_IF_ERROR(r.U32(&o.window));
  RETURN_IF_ERROR(r.U32(&o.bins));
  RETURN_IF_ERROR(o.Validate());
  DistributionMonitor m(o);
  RETURN_IF_ERROR(r.U64(&m.ignored_));
  RETURN_IF_ERROR(r.F64Vector(&m.reference_, o.reference_size));
  RETURN_IF_ERROR(r.F64Vector(&m.current_, o.window));
  RETURN_IF_ERROR(r.Done());
  if (!m.current_.empty() && m.reference_.size() != o.reference_size) {
    return CorruptState("distribution monitor",
                        "current before reference full");
  }
  for (const auto* v : {&m.reference_, &m.current_}) {
    for (double x : *v) {
      if (!std::isfinite(x))
        return CorruptState("distribution monitor", "non-finite");
    }
  }
  m.head_ = m.current_.size() % o.window;
  return m;
}

}  // namespace rtai::ml
