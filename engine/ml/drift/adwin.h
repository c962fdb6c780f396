#pragma once
// ADWIN (Bifet & Gavalda 2007) change detector, reproducing River's
// `drift.ADWIN` (river/drift/adwin.py + adwin_c.pyx) decision for decision:
// exponential histogram of buckets (rows of up to max_buckets + 1 entries of
// size 2^row, two oldest merged into the next row), a cut test every `clock`
// updates once width > grace_period, dropping the oldest bucket on each cut
// and re-testing, and a full reset on the update after a detection.
// River's quirks are kept on purpose so indices match: the scan skips the
// newest bucket of every row, and the cut bound is
//   eps = sqrt(2 m var_w d') + 2/3 d' m,  d' = ln(2 ln(width) / delta),
//   m = 1/(n0 - min_window_length + 1) + 1/(n1 - min_window_length + 1).
// Thread safety: none (one owner).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct AdwinOptions {
  double delta = 0.002;            // Default: 0.002 (confidence)
  uint32_t clock = 32;             // Default: 32 (updates between checks)
  uint32_t max_buckets = 5;        // Default: 5 (per row before merging)
  uint32_t min_window_length = 5;  // Default: 5 (each sub-window)
  uint32_t grace_period = 10;      // Default: 10 (updates before checking)
  absl::Status Validate() const;
};

class Adwin {
 public:
  explicit Adwin(const AdwinOptions& options = {});  // Validate()d

  // Adds one value; returns true when a drift is detected at this value.
  bool Update(double x);
  bool drift_detected() const { return drift_detected_; }
  double width() const { return width_; }
  double estimation() const { return width_ > 0 ? total_ / width_ : 0.0; }
  uint64_t detections() const { return n_detections_total_; }

  std::string Serialize() const;
  static absl::StatusOr<Adwin> Deserialize(absl::string_view bytes);

 private:
  struct Row {
    uint32_t count = 0;
    std::vector<double> total;  // oldest first
    std::vector<double> variance;
  };
  void Reset();
  void Insert(double value);
  void Compress();
  double DeleteOldest();
  bool DetectChange();
  bool CutTest(double n0, double n1, double delta_mean) const;
  Row NewRow() const;

  AdwinOptions options_;
  std::vector<Row> rows_;  // rows_[i] holds buckets of size 2^i
  double total_ = 0, variance_ = 0, width_ = 0;
  uint64_t tick_ = 0;
  bool drift_detected_ = false;
  uint64_t n_detections_total_ = 0;  // across resets
};

}  // namespace rtai::ml
