#include "engine/ml/drift/ddm.h"

#include <cmath>
#include <limits>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
}

absl::Status DdmOptions::Validate() const {
  if (!(warning_threshold > 0) || !(drift_threshold >= warning_threshold) ||
      !std::isfinite(drift_threshold)) {
    return absl::InvalidArgumentError(
        "ddm: 0 < warning_threshold <= drift_threshold");
  }
  return absl::OkStatus();
}

Ddm::Ddm(const DdmOptions& options) : options_(options) {
  CHECK_OK(options.Validate());
  Reset();
}

void Ddm::Reset() {
  n_ = p_ = 0;
  p_min_ = s_min_ = 0;
  ps_min_ = std::numeric_limits<double>::infinity();
  drift_detected_ = warning_detected_ = false;
}

bool Ddm::Update(bool error) {
  if (drift_detected_) Reset();
  n_ += 1;
  p_ += (1.0 / n_) * ((error ? 1.0 : 0.0) - p_);
  const double s = std::sqrt(p_ * (1 - p_) / n_);
  if (n_ > options_.warm_start) {
    if (p_ + s <= ps_min_) {
      p_min_ = p_;
      s_min_ = s;
      ps_min_ = p_min_ + s_min_;
    }
    warning_detected_ = p_ + s > p_min_ + options_.warning_threshold * s_min_;
    if (p_ + s > p_min_ + options_.drift_threshold * s_min_) {
      drift_detected_ = true;
      warning_detected_ = false;
    }
  }
  return drift_detected_;
}

std::string Ddm::Serialize() const {
  StateWriter w(StateTag::kDdm, kVersion);
  w.U32(options_.warm_start);
  w.F64(options_.warning_threshold);
  w.F64(options_.drift_threshold);
  for (double v : {n_, p_, p_min_, s_min_, ps_min_}) w.F64(v);
  w.Bool(drift_detected_);
  w.Bool(warning_detected_);
  return w.Finish();
}

absl::StatusOr<Ddm> Ddm::Deserialize(absl::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r,
                   StateReader::Open(bytes, StateTag::kDdm, kVersion));
  DdmOptions o;
  RETURN_IF_ERROR(r.U32(&o.warm_start));
  RETURN_IF_ERROR(r.FiniteF64(&o.warning_threshold));
  RETURN_IF_ERROR(r.FiniteF64(&o.drift_threshold));
  RETURN_IF_ERROR(o.Validate());
  Ddm d(o);
  RETURN_IF_ERROR(r.FiniteF64(&d.n_));
  RETURN_IF_ERROR(r.FiniteF64(&d.p_));
  RETURN_IF_ERROR(r.FiniteF64(&d.p_min_));
  RETURN_IF_ERROR(r.FiniteF64(&d.s_min_));
  RETURN_IF_ERROR(r.F64(&d.ps_min_));  // +inf until warm
  RETURN_IF_ERROR(r.Bool(&d.drift_detected_));
  RETURN_IF_ERROR(r.Bool(&d.warning_detected_));
  RETURN_IF_ERROR(r.Done());
  if (d.n_ < 0 || d.p_ < 0 || d.p_ > 1 || std::isnan(d.ps_min_)) {
    return CorruptState("ddm", "statistics out of range");
  }
  return d;
}

}  // namespace rtai::ml
