#include "engine/ml/drift/page_hinkley.h"

#include <cmath>
#include <limits>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
}

absl::Status PageHinkleyOptions::Validate() const {
  if (!(delta >= 0) || !(threshold > 0) || !(alpha > 0 && alpha <= 1) ||
      !std::isfinite(delta + threshold) || static_cast<uint8_t>(mode) > 2) {
    return absl::InvalidArgumentError(
        "page-hinkley: delta >= 0, threshold > 0, alpha in (0, 1], valid mode");
  }
  return absl::OkStatus();
}

PageHinkley::PageHinkley(const PageHinkleyOptions& options)
    : options_(options) {
  CHECK_OK(options.Validate());
  Reset();
}

void PageHinkley::Reset() {
  n_ = mean_ = 0;
  sum_increase_ = sum_decrease_ = 0;
  min_increase_ = std::numeric_limits<double>::infinity();
  max_decrease_ = -1;  // River starts it at -1, not -inf
  drift_detected_ = false;
}

bool PageHinkley::Update(double x) {
  if (drift_detected_) Reset();
  n_ += 1;
  mean_ += (1.0 / n_) * (x - mean_);
  const double dev = x - mean_;
  sum_increase_ = options_.alpha * sum_increase_ + dev - options_.delta;
  sum_decrease_ = options_.alpha * sum_decrease_ + dev + options_.delta;
  if (sum_increase_ < min_increase_) min_increase_ = sum_increase_;
  if (sum_decrease_ > max_decrease_) max_decrease_ = sum_decrease_;
  if (n_ >= options_.min_instances) {
    const bool up = sum_increase_ - min_increase_ > options_.threshold;
    const bool down = max_decrease_ - sum_decrease_ > options_.threshold;
    using Mode = PageHinkleyOptions::Mode;
    drift_detected_ = options_.mode == Mode::kUp     ? up
                      : options_.mode == Mode::kDown ? down
                                                     : (up || down);
  }
  if (drift_detected_) ++detections_;
  return drift_detected_;
}

std::string PageHinkley::Serialize() const {
  StateWriter w(StateTag::kPageHinkley, kVersion);
  w.U32(options_.min_instances);
  w.F64(options_.delta);
  w.F64(options_.threshold);
  w.F64(options_.alpha);
  w.U8(static_cast<uint8_t>(options_.mode));
  for (double v : {n_, mean_, sum_increase_, sum_decrease_, min_increase_,
                   max_decrease_}) {
    w.F64(v);
  }
  w.Bool(drift_detected_);
  w.U64(detections_);
  return w.Finish();
}

absl::StatusOr<PageHinkley> PageHinkley::Deserialize(absl::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r,
                   StateReader::Open(bytes, StateTag::kPageHinkley, kVersion));
  PageHinkleyOptions o;
  uint8_t mode;
  RETURN_IF_ERROR(r.U32(&o.min_instances));
  RETURN_IF_ERROR(r.FiniteF64(&o.delta));
  RETURN_IF_ERROR(r.FiniteF64(&o.threshold));
  RETURN_IF_ERROR(r.FiniteF64(&o.alpha));
  RETURN_IF_ERROR(r.U8(&mode));
  o.mode = static_cast<PageHinkleyOptions::Mode>(mode);
  RETURN_IF_ERROR(o.Validate());
  PageHinkley p(o);
  RETURN_IF_ERROR(r.FiniteF64(&p.n_));
  RETURN_IF_ERROR(r.FiniteF64(&p.mean_));
  RETURN_IF_ERROR(r.FiniteF64(&p.sum_increase_));
  RETURN_IF_ERROR(r.FiniteF64(&p.sum_decrease_));
  RETURN_IF_ERROR(r.F64(&p.min_increase_));  // +inf before the first value
  if (std::isnan(p.min_increase_) || p.min_increase_ == -INFINITY) {
    return CorruptState("page-hinkley", "bad minimum");
  }
  RETURN_IF_ERROR(r.FiniteF64(&p.max_decrease_));
  RETURN_IF_ERROR(r.Bool(&p.drift_detected_));
  RETURN_IF_ERROR(r.U64(&p.detections_));
  RETURN_IF_ERROR(r.Done());
  if (p.n_ < 0) return CorruptState("page-hinkley", "negative count");
  return p;
}

}  // namespace rtai::ml
