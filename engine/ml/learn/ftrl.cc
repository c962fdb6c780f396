#include "engine/ml/learn/ftrl.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
constexpr size_t kMaxFeaturesPerExample = 4096;
}  // namespace

absl::Status FtrlOptions::Validate() const {
  if (!(alpha > 0) || !(beta >= 0) || !(l1 >= 0) || !(l2 >= 0) ||
      !std::isfinite(alpha + beta + l1 + l2)) {
    return absl::InvalidArgumentError(
        "ftrl: alpha must be > 0 and beta, l1, l2 >= 0 (finite)");
  }
  if (dimension == 0 || dimension > FtrlLogistic::kMaxDimension) {
    return absl::InvalidArgumentError("ftrl: dimension must be in [1, 2^24]");
  }
  return absl::OkStatus();
}

FtrlLogistic::FtrlLogistic(const FtrlOptions& options)
    : options_(options),
      z_(size_t{options.dimension} + 1, 0.0),
      n_(size_t{options.dimension} + 1, 0.0) {
  CHECK_OK(options.Validate());
}

double FtrlLogistic::WeightFromState(uint32_t i, bool penalize) const {
  const double z = z_[i];
  const double l1 = penalize ? options_.l1 : 0.0;
  if (std::fabs(z) <= l1) return 0.0;
  const double sign = z < 0 ? -1.0 : 1.0;
  return -(z - sign * l1) /
         ((options_.beta + std::sqrt(n_[i])) / options_.alpha + options_.l2);
}

double FtrlLogistic::Weight(uint32_t index) const {
  CHECK_LE(index, options_.dimension);
  return WeightFromState(index, index != options_.dimension);
}

double FtrlLogistic::Margin(Features x, double* w_cache) const {
  const uint32_t bias = options_.dimension;
  double margin = WeightFromState(bias, false);
  for (size_t k = 0; k < x.size(); ++k) {
    const uint32_t i = x[k].index;
    const double w = i < bias ? WeightFromState(i, true) : 0.0;
    if (w_cache != nullptr) w_cache[k] = w;
    margin += w * x[k].value;
  }
  return margin;
}

double FtrlLogistic::PredictProba(Features x) const {
  return Sigmoid(Margin(x, nullptr));
}

double FtrlLogistic::Learn(Features x, bool label) {
  if (x.size() > kMaxFeaturesPerExample)
    x = x.subspan(0, kMaxFeaturesPerExample);
  double w[kMaxFeaturesPerExample];
  const uint32_t bias = options_.dimension;
  const double w_bias = WeightFromState(bias, false);
  const double p = Sigmoid(Margin(x, w));
  const double err = p - (label ? 1.0 : 0.0);
  auto update = [&](uint32_t i, double g, double wi) {
    const double sigma =
        (std::sqrt(n_[i] + g * g) - std::sqrt(n_[i])) / options_.alpha;
    z_[i] += g - sigma * wi;
    n_[i] += g * g;
  };
  for (size_t k = 0; k < x.size(); ++k) {
    if (x[k].index >= bias) {
      ++dropped_;
      continue;
    }
    update(x[k].index, err * x[k].value, w[k]);
  }
  update(bias, err, w_bias);
  ++updates_;
  return p;
}

absl::StatusOr<std::string> FtrlLogistic::ExportLinearModelJson(
    const std::vector<std::string>& names, uint64_t hash_seed) const {
  if (!names.empty() && names.size() != options_.dimension) {
    return absl::InvalidArgumentError(
        "ftrl export: need one feature name per coordinate, or none (hashed)");
  }
  // Limits of the rtai.linear reader (LinearModel::kMaxBuckets, seed <= 2^53).
  if (names.empty() &&
      (options_.dimension > (16u << 20) || hash_seed > (1ull << 53))) {
    return absl::InvalidArgumentError(
        "ftrl export: hashed models need dimension <= 2^24 and seed <= 2^53");
  }
  auto num = [](double d) { return absl::StrFormat("%.17g", d); };
  std::string out = absl::StrCat(
      "{\"format\":\"rtai.linear\",\"version\":1,"
      "\"objective\":\"binary:logistic\",\"intercept\":",
      num(Weight(options_.dimension)), ",\"weights\":{");
  if (!names.empty()) {
    for (uint32_t i = 0; i < options_.dimension; ++i) {
      if (i > 0) out += ",";
      std::string key;
      for (unsigned char c : names[i]) {
        if (c == '"' || c == '\\') key.push_back('\\');
        if (c < 0x20) {
          key += absl::StrFormat("\\u%04x", c);
        } else {
          key.push_back(static_cast<char>(c));
        }
      }
      absl::StrAppend(&out, "\"", key, "\":", num(Weight(i)));
    }
    return out + "}}";
  }
  absl::StrAppend(&out, "},\"hashing\":{\"num_buckets\":", options_.dimension,
                  ",\"seed\":", hash_seed, ",\"weights\":[");
  for (uint32_t i = 0; i < options_.dimension; ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", num(Weight(i)));
  }
  return out + "]}}";
}

std::string FtrlLogistic::Serialize() const {
  StateWriter w(StateTag::kFtrl, kVersion);
  w.F64(options_.alpha);
  w.F64(options_.beta);
  w.F64(options_.l1);
  w.F64(options_.l2);
  w.U32(options_.dimension);
  w.U64(updates_);
  w.U64(dropped_);
  uint64_t nonzero = 0;
  for (double n : n_) nonzero += n != 0;
  w.U64(nonzero);
  for (uint32_t i = 0; i < n_.size(); ++i) {
    if (n_[i] == 0) continue;
    w.U32(i);
    w.F64(z_[i]);
    w.F64(n_[i]);
  }
  return w.Finish();
}

absl::StatusOr<FtrlLogistic> FtrlLogistic::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r,
                   StateReader::Open(bytes, StateTag::kFtrl, kVersion));
  FtrlOptions o;
  RETURN_IF_ERROR(r.FiniteF64(&o.alpha));
  RETURN_IF_ERROR(r.FiniteF64(&o.beta));
  RETURN_IF_ERROR(r.FiniteF64(&o.l1));
  RETURN_IF_ERROR(r.FiniteF64(&o.l2));
  RETURN_IF_ERROR(r.U32(&o.dimension));
  RETURN_IF_ERROR(o.Validate());
  FtrlLogistic f(o);
  RETURN_IF_ERROR(r.U64(&f.updates_));
  RETURN_IF_ERROR(r.U64(&f.dropped_));
  uint64_t nonzero;
  RETURN_IF_ERROR(r.Count(&nonzero, f.n_.size(), 4 + 8 + 8));
  int64_t last = -1;
  for (uint64_t k = 0; k < nonzero; ++k) {
    uint32_t i;
    RETURN_IF_ERROR(r.U32(&i));
    if (i >= f.n_.size() || static_cast<int64_t>(i) <= last) {
      return CorruptState("ftrl", "coordinate index out of range or order");
    }
    last = i;
    RETURN_IF_ERROR(r.FiniteF64(&f.z_[i]));
    RETURN_IF_ERROR(r.FiniteF64(&f.n_[i]));
    if (!(f.n_[i] > 0)) return CorruptState("ftrl", "n must be > 0");
  }
  RETURN_IF_ERROR(r.Done());
  return f;
}

}  // namespace rtai::ml
