#pragma once
// DDM, the Drift Detection Method (Gama et al. 2004), as River's
// `drift.binary.DDM`: input 1 = error, 0 = correct. With p the running error
// rate and s = sqrt(p (1 - p) / n), after warm_start values the minimum of
// p + s is tracked; warning when p + s > p_min + warning_threshold * s_min,
// drift when p + s > p_min + drift_threshold * s_min. Resets on the update
// after a drift. Thread safety: none (one owner).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct DdmOptions {
  uint32_t warm_start = 30;        // Default: 30
  double warning_threshold = 2.0;  // Default: 2.0
  double drift_threshold = 3.0;    // Default: 3.0
  absl::Status Validate() const;
};

class Ddm {
 public:
  explicit Ddm(const DdmOptions& options = {});  // Validate()d

  bool Update(bool error);  // true when a drift is detected at this value
  bool drift_detected() const { return drift_detected_; }
  bool warning_detected() const { return warning_detected_; }

  std::string Serialize() const;
  static absl::StatusOr<Ddm> Deserialize(absl::string_view bytes);

 private:
  void Reset();

  DdmOptions options_;
  double n_ = 0, p_ = 0;
  double p_min_ = 0, s_min_ = 0, ps_min_ = 0;
  bool drift_detected_ = false, warning_detected_ = false;
};

}  // namespace rtai::ml
