#include "engine/ml/operators/rolling_features_operator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/model_scorer.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml::ops {
namespace {

using engine::TypeId;
using engine::Value;

constexpr StateTag kTag = static_cast<StateTag>(101);
constexpr uint16_t kVersion = 1;

std::string KeyOf(const Value& v) {
  if (v.is_null()) return std::string(1, '\0');
  switch (v.type()) {
    case TypeId::kString:
    case TypeId::kBytes: return "s" + std::string(v.str());
    case TypeId::kDouble: return absl::StrCat("d", v.dbl());
    default: return absl::StrCat("i", v.int64());
  }
}

}  // namespace

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  const double r = M_PI / 180;
  const double s1 = std::sin((lat2 - lat1) * r / 2);
  const double s2 = std::sin((lon2 - lon1) * r / 2);
  const double a = s1 * s1 + std::cos(lat1 * r) * std::cos(lat2 * r) * s2 * s2;
  return 2 * 6371 * std::asin(std::sqrt(std::min(1.0, a)));
}

RollingFeaturesOperator::RollingFeaturesOperator(RollingFeaturesConfig config,
                                                 const engine::Schema* input,
                                                 const engine::Schema* output)
    : config_(std::move(config)), input_(input), output_(output) {
  for (const auto& w : config_.windows) max_window_ms_ = std::max(max_window_ms_, w.size_ms);
}

absl::Status RollingFeaturesOperator::Compute(const Value* in, int64_t ts, Value* out) {
  size_t col = input_->num_fields();
  const double value = ValueAsDouble(in[config_.value_column]);
  if (std::isnan(value)) return absl::OkStatus();  // features stay null
  auto [it, inserted] = keys_.try_emplace(KeyOf(in[config_.key_column]));
  if (inserted && keys_.size() > config_.max_keys) {
    keys_.erase(it);
    return absl::ResourceExhaustedError(absl::StrCat(
        "rolling_features: more than max_keys = ", config_.max_keys, " keys"));
  }
  KeyState& k = it->second;
  if (!config_.windows.empty()) {
    k.window.emplace_back(ts, value);
    while (!k.window.empty() && k.window.front().first <= ts - max_window_ms_) k.window.pop_front();
    while (k.window.size() > config_.max_events_per_key) {
      k.window.pop_front();
      ++dropped_events_;
    }
  }
  for (const auto& w : config_.windows) {
    int64_t count = 0;
    double sum = 0;
    for (const auto& [t, a] : k.window) {
      if (t > ts - w.size_ms) {
        ++count;
        sum += a;
      }
    }
    out[col++] = Value::Int64(count);
    out[col++] = Value::Double(sum);
  }
  if (config_.zscore) {
    const double std = k.n >= 2 ? std::sqrt(k.m2 / static_cast<double>(k.n)) : 0.0;
    out[col++] = Value::Double(std > 0 ? (value - k.mean) / std : 0.0);
  }
  ++k.n;
  const double d = value - k.mean;
  k.mean += d / static_cast<double>(k.n);
  k.m2 += d * (value - k.mean);
  if (config_.lat_column >= 0) {
    const double lat = ValueAsDouble(in[config_.lat_column]);
    const double lon = ValueAsDouble(in[config_.lon_column]);
    const bool valid = !std::isnan(lat) && !std::isnan(lon);
    out[col++] = Value::Double(valid && k.has_last ? HaversineKm(k.lat, k.lon, lat, lon) : 0.0);
    if (valid) {
      k.has_last = true;
      k.lat = lat;
      k.lon = lon;
    }
  }
  return absl::OkStatus();
}

absl::Status RollingFeaturesOperator::ProcessBatch(int, std::unique_ptr<engine::runtime::Batch> batch,
                                                   engine::runtime::Output* out) {
  auto result = std::make_unique<engine::runtime::Batch>(output_);
  const size_t width = input_->num_fields();
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* in = batch->rows.row(i);
    Value* row = result->rows.AddRow();
    for (size_t c = 0; c < width; ++c) row[c] = result->rows.CopyValue(in[c]);
    result->timestamps.push_back(batch->timestamps[i]);
    RETURN_IF_ERROR(Compute(in, batch->timestamps[i], row));
  }
  if (result->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(result));
}

absl::StatusOr<std::string> RollingFeaturesOperator::SnapshotState(int64_t) {
  StateWriter w(kTag, kVersion);
  std::map<std::string, const KeyState*> sorted;  // deterministic bytes
  for (const auto& [key, state] : keys_) sorted[key] = &state;
  w.U64(dropped_events_);
  w.U64(sorted.size());
  for (const auto& [key, k] : sorted) {
    w.String(key);
    w.U64(k->n);
    w.F64(k->mean);
    w.F64(k->m2);
    w.Bool(k->has_last);
    w.F64(k->lat);
    w.F64(k->lon);
    w.U64(k->window.size());
    for (const auto& [t, a] : k->window) {
      w.I64(t);
      w.F64(a);
    }
  }
  return w.Finish();
}

absl::Status RollingFeaturesOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kTag, kVersion));
  absl::flat_hash_map<std::string, KeyState> keys;
  uint64_t dropped = 0, n = 0;
  RETURN_IF_ERROR(r.U64(&dropped));
  RETURN_IF_ERROR(r.Count(&n, config_.max_keys, 8 + 8 + 16 + 1 + 16 + 8));
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    KeyState k;
    uint64_t size = 0;
    RETURN_IF_ERROR(r.String(&key, 1 << 20));
    RETURN_IF_ERROR(r.U64(&k.n));
    RETURN_IF_ERROR(r.FiniteF64(&k.mean));
    RETURN_IF_ERROR(r.FiniteF64(&k.m2));
    RETURN_IF_ERROR(r.Bool(&k.has_last));
    RETURN_IF_ERROR(r.F64(&k.lat));
    RETURN_IF_ERROR(r.F64(&k.lon));
    RETURN_IF_ERROR(r.Count(&size, config_.max_events_per_key, 16));
    for (uint64_t j = 0; j < size; ++j) {
      int64_t t = 0;
      double a = 0;
      RETURN_IF_ERROR(r.I64(&t));
      RETURN_IF_ERROR(r.FiniteF64(&a));
      k.window.emplace_back(t, a);
    }
    if (!keys.emplace(std::move(key), std::move(k)).second) {
      return CorruptState("rolling_features", "duplicate key");
    }
  }
  RETURN_IF_ERROR(r.Done());
  keys_ = std::move(keys);
  dropped_events_ = dropped;
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
