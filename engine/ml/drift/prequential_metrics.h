#pragma once
// Prequential (test-then-train) binary classification metrics over a sliding
// window of the last `window` labelled predictions: accuracy (at
// `threshold`), log loss (probabilities clipped to [1e-15, 1 - 1e-15]) and
// exact ROC AUC (Mann-Whitney with average ranks for ties, O(w log w) per
// call). Metrics of an empty window, and AUC of a one-class window, are NaN.
// Thread safety: none (one owner).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct PrequentialOptions {
  uint32_t window = 1000;  // Default: 1000 (labelled events; max 2^20)
  double threshold = 0.5;  // Default: 0.5 (class 1 when p >= threshold)
  absl::Status Validate() const;
};

enum class Metric : uint8_t { kAccuracy = 0, kLogLoss = 1, kAuc = 2 };
const char* MetricName(Metric m);
// Log loss is lower-is-better; accuracy and AUC higher-is-better.
inline bool HigherIsBetter(Metric m) { return m != Metric::kLogLoss; }

class PrequentialMetrics {
 public:
  explicit PrequentialMetrics(const PrequentialOptions& options = {});

  // NaN probabilities are rejected (InvalidArgument); others clipped to [0,1].
  absl::Status Update(double probability, bool label);
  uint64_t size() const { return size_; }
  uint64_t total_seen() const { return total_seen_; }

  double Accuracy() const;
  double LogLoss() const;
  double Auc() const;
  double Get(Metric m) const;

  std::string Serialize() const;
  static absl::StatusOr<PrequentialMetrics> Deserialize(
      absl::string_view bytes);

 private:
  static double ClippedLoss(double p, bool label);
  void Recompute();

  PrequentialOptions options_;
  std::vector<double> prob_;  // ring buffer of `window` entries
  std::vector<uint8_t> label_;
  uint64_t head_ = 0;  // next slot to write
  uint64_t size_ = 0;
  uint64_t total_seen_ = 0;
  uint64_t correct_ = 0;
  double loss_sum_ = 0;
  uint64_t since_recompute_ = 0;
};

}  // namespace rtai::ml
