#include "engine/ml/learn/sgd_logistic.h"

#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
}

absl::Status SgdOptions::Validate() const {
  if (!(learning_rate > 0) || !(l2 >= 0) ||
      !std::isfinite(learning_rate + l2)) {
    return absl::InvalidArgumentError("sgd: learning_rate > 0, l2 >= 0");
  }
  if (dimension == 0 || dimension > SgdLogistic::kMaxDimension) {
    return absl::InvalidArgumentError("sgd: dimension must be in [1, 2^24]");
  }
  return absl::OkStatus();
}

SgdLogistic::SgdLogistic(const SgdOptions& options)
    : options_(options), w_(size_t{options.dimension} + 1, 0.0) {
  CHECK_OK(options.Validate());
}

double SgdLogistic::PredictProba(Features x) const {
  double z = w_[options_.dimension];
  for (const Feature& f : x) {
    if (f.index < options_.dimension) z += w_[f.index] * f.value;
  }
  return Sigmoid(z);
}

double SgdLogistic::Learn(Features x, bool label) {
  const double p = PredictProba(x);
  const double err = p - (label ? 1.0 : 0.0);
  const double lr = options_.learning_rate;
  for (const Feature& f : x) {
    if (f.index >= options_.dimension) continue;
    double& w = w_[f.index];
    w -= lr * (err * f.value + options_.l2 * w);
  }
  w_[options_.dimension] -= lr * err;
  ++updates_;
  return p;
}

std::string SgdLogistic::Serialize() const {
  StateWriter w(StateTag::kSgdLogistic, kVersion);
  w.F64(options_.learning_rate);
  w.F64(options_.l2);
  w.U32(options_.dimension);
  w.U64(updates_);
  uint64_t nonzero = 0;
  for (double v : w_) nonzero += v != 0;
  w.U64(nonzero);
  for (uint32_t i = 0; i < w_.size(); ++i) {
    if (w_[i] == 0) continue;
    w.U32(i);
    w.F64(w_[i]);
  }
  return w.Finish();
}

absl::StatusOr<SgdLogistic> SgdLogistic::Deserialize(absl::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r,
                   StateReader::Open(bytes, StateTag::kSgdLogistic, kVersion));
  SgdOptions o;
  RETURN_IF_ERROR(r.FiniteF64(&o.learning_rate));
  RETURN_IF_ERROR(r.FiniteF64(&o.l2));
  RETURN_IF_ERROR(r.U32(&o.dimension));
  RETURN_IF_ERROR(o.Validate());
  SgdLogistic s(o);
  RETURN_IF_ERROR(r.U64(&s.updates_));
  uint64_t nonzero;
  RETURN_IF_ERROR(r.Count(&nonzero, s.w_.size(), 4 + 8));
  int64_t last = -1;
  for (uint64_t k = 0; k < nonzero; ++k) {
    uint32_t i;
    RETURN_IF_ERROR(r.U32(&i));
    if (i >= s.w_.size() || static_cast<int64_t>(i) <= last) {
      return CorruptState("sgd", "weight index out of range or order");
    }
    last = i;
    RETURN_IF_ERROR(r.FiniteF64(&s.w_[i]));
  }
  RETURN_IF_ERROR(r.Done());
  return s;
}

}  // namespace rtai::ml
