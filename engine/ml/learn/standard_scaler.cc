#include "engine/ml/learn/standard_scaler.h"

#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
}

StandardScaler::StandardScaler(uint32_t n) : mean_(n, 0.0), m2_(n, 0.0) {
  CHECK(n >= 1 && n <= kMaxFeatures);
}

void StandardScaler::Learn(absl::Span<const double> x) {
  CHECK_EQ(x.size(), mean_.size());
  ++count_;
  for (size_t i = 0; i < x.size(); ++i) {
    const double delta = x[i] - mean_[i];
    mean_[i] += delta / static_cast<double>(count_);
    m2_[i] += delta * (x[i] - mean_[i]);
  }
}

double StandardScaler::variance(uint32_t i) const {
  return count_ == 0 ? 0.0 : m2_[i] / static_cast<double>(count_);
}

void StandardScaler::Transform(absl::Span<const double> x,
                               absl::Span<double> out) const {
  CHECK_EQ(x.size(), mean_.size());
  CHECK_EQ(out.size(), mean_.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double var = variance(static_cast<uint32_t>(i));
    out[i] = var > 0 ? (x[i] - mean_[i]) / std::sqrt(var) : 0.0;
  }
}

std::string StandardScaler::Serialize() const {
  StateWriter w(StateTag::kStandardScaler, kVersion);
  w.U64(count_);
  w.F64Vector(mean_);
  w.F64Vector(m2_);
  return w.Finish();
}

absl::StatusOr<StandardScaler> StandardScaler::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      StateReader r,
      StateReader::Open(bytes, StateTag::kStandardScaler, kVersion));
  uint64_t count;
  std::vector<double> mean, m2;
  RETURN_IF_ERROR(r.U64(&count));
  RETURN_IF_ERROR(r.F64Vector(&mean, kMaxFeatures));
  RETURN_IF_ERROR(r.F64Vector(&m2, kMaxFeatures));
  RETURN_IF_ERROR(r.Done());
  if (mean.empty() || mean.size() != m2.size()) {
    return CorruptState("standard scaler", "bad feature count");
  }
  for (size_t i = 0; i < mean.size(); ++i) {
    if (!std::isfinite(mean[i]) || !std::isfinite(m2[i]) || m2[i] < 0) {
      return CorruptState("standard scaler", "bad statistics");
    }
  }
  StandardScaler s(static_cast<uint32_t>(mean.size()));
  s.count_ = count;
  s.mean_ = std::move(mean);
  s.m2_ = std::move(m2);
  return s;
}

}  // namespace rtai::ml
