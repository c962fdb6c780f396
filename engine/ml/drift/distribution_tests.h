#pragma once
// Two-sample distribution comparisons of a feature window against a
// reference window, and a monitor that keeps both windows as state.
//
// PSI: bins are the reference's quantiles (bins - 1 inner edges at
// ref[floor(k * n / bins)] of the sorted reference; bin i holds
// edge[i-1] <= x < edge[i]); PSI = sum (a_i - e_i) ln(a_i / e_i) with the
// fractions floored at 1e-4. Rule of thumb: < 0.1 stable, > 0.25 shifted.
// KS: D = sup |F_ref - F_cur|; p-value from the asymptotic Kolmogorov
// distribution Q(sqrt(n m / (n + m)) D) (as scipy.special.kolmogorov).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rtai::ml {

// NaN if either sample is empty. Inputs need not be sorted.
double PopulationStabilityIndex(absl::Span<const double> reference,
                                absl::Span<const double> current,
                                uint32_t bins);
struct KsResult {
  double statistic = 0;
  double p_value = 1;
};
KsResult KolmogorovSmirnov(absl::Span<const double> a,
                           absl::Span<const double> b);
// Q_KS(lambda) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2).
double KolmogorovSurvival(double lambda);

struct DistributionMonitorOptions {
  uint32_t reference_size = 1000;  // Default: 1000 (first values, frozen)
  uint32_t window = 1000;          // Default: 1000 (latest values, sliding)
  uint32_t bins = 10;              // Default: 10 (PSI bins)
  absl::Status Validate() const;   // sizes in [2, 2^20], bins in [2, 1000]
};

// Thread safety: none (one owner).
class DistributionMonitor {
 public:
  explicit DistributionMonitor(const DistributionMonitorOptions& options = {});

  // The first reference_size finite values fill the reference; later ones
  // slide through the current window. Non-finite values are ignored.
  void Add(double x);
  bool ready() const;  // both windows full
  double Psi() const;
  KsResult Ks() const;
  // After a confirmed drift: the current window becomes the reference.
  void RebaseReference();

  std::string Serialize() const;
  static absl::StatusOr<DistributionMonitor> Deserialize(
      absl::string_view bytes);

 private:
  std::vector<double> CurrentInOrder() const;

  DistributionMonitorOptions options_;
  std::vector<double> reference_;
  std::vector<double> current_;  // ring buffer
  uint64_t head_ = 0;
  uint64_t ignored_ = 0;
};

}  // namespace rtai::ml
