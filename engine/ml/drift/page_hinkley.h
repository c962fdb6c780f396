#pragma once
// Page-Hinkley change detector, as River's `drift.PageHinkley` (v0.21+):
//   mean_n = running mean (including x);  dev = x - mean_n
//   inc = alpha * inc + dev - delta;  min_inc = min(min_inc, inc)
//   dec = alpha * dec + dev + delta;  max_dec = max(max_dec, dec)  (starts -1)
//   once n >= min_instances: drift if (inc - min_inc > threshold) [up]
//   or (max_dec - dec > threshold) [down]; kBoth tests either.
// All state resets on the update after a detection.
// Thread safety: none (one owner).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct PageHinkleyOptions {
  enum class Mode : uint8_t { kBoth = 0, kUp = 1, kDown = 2 };
  uint32_t min_instances = 30;  // Default: 30
  double delta = 0.005;         // Default: 0.005 (tolerated change)
  double threshold = 50;        // Default: 50 (lambda)
  double alpha = 1 - 0.0001;    // Default: 0.9999 (forgetting factor)
  Mode mode = Mode::kBoth;      // Default: both directions
  absl::Status Validate() const;
};

class PageHinkley {
 public:
  explicit PageHinkley(const PageHinkleyOptions& options = {});  // Validate()d

  bool Update(double x);  // true when a drift is detected at this value
  bool drift_detected() const { return drift_detected_; }
  uint64_t detections() const { return detections_; }

  std::string Serialize() const;
  static absl::StatusOr<PageHinkley> Deserialize(absl::string_view bytes);

 private:
  void Reset();

  PageHinkleyOptions options_;
  double n_ = 0, mean_ = 0;
  double sum_increase_ = 0, sum_decrease_ = 0;
  double min_increase_ = 0, max_decrease_ = 0;
  bool drift_detected_ = false;
  uint64_t detections_ = 0;
};

}  // namespace rtai::ml
