#include "engine/ml/drift/adwin.h"

#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
constexpr size_t kMaxRows = 128;  // 2^128 values: unreachable
}  // namespace

absl::Status AdwinOptions::Validate() const {
  if (!(delta > 0 && delta < 1) || clock < 1 || max_buckets < 1 ||
      max_buckets > 1000 || min_window_length < 1) {
    return absl::InvalidArgumentError(
        "adwin: delta in (0,1), clock >= 1, max_buckets in [1,1000], "
        "min_window_length >= 1");
  }
  return absl::OkStatus();
}

Adwin::Adwin(const AdwinOptions& options) : options_(options) {
  CHECK_OK(options.Validate());
  Reset();
}

Adwin::Row Adwin::NewRow() const {
  Row r;
  r.total.assign(options_.max_buckets + 1, 0.0);
  r.variance.assign(options_.max_buckets + 1, 0.0);
  return r;
}

void Adwin::Reset() {
  rows_.clear();
  rows_.push_back(NewRow());
  total_ = variance_ = width_ = 0;
  tick_ = 0;
  drift_detected_ = false;
}

bool Adwin::Update(double x) {
  if (drift_detected_) Reset();
  Insert(x);
  drift_detected_ = DetectChange();
  if (drift_detected_) ++n_detections_total_;
  return drift_detected_;
}

void Adwin::Insert(double value) {
  Row& row = rows_[0];
  row.total[row.count] = value;
  row.variance[row.count] = 0.0;
  ++row.count;
  width_ += 1;
  if (width_ > 1.0) {
    const double d = value - total_ / (width_ - 1.0);
    variance_ += (width_ - 1.0) * d * d / width_;
  }
  total_ += value;
  Compress();
}

void Adwin::Compress() {
  for (size_t idx = 0; idx < rows_.size(); ++idx) {
    if (rows_[idx].count != options_.max_buckets + 1) break;
    if (idx + 1 == rows_.size()) {
      CHECK_LT(rows_.size(), kMaxRows);
      rows_.push_back(NewRow());
    }
    Row& row = rows_[idx];
    Row& next = rows_[idx + 1];
    const double n = std::ldexp(1.0, static_cast<int>(idx));
    const double mu1 = row.total[0] / n, mu2 = row.total[1] / n;
    next.total[next.count] = row.total[0] + row.total[1];
    next.variance[next.count] = row.variance[0] + row.variance[1] +
                                n * n * (mu1 - mu2) * (mu1 - mu2) / (2 * n);
    ++next.count;
    // Drop the two merged (oldest) entries.
    for (uint32_t i = 2; i <= options_.max_buckets; ++i) {
      row.total[i - 2] = row.total[i];
      row.variance[i - 2] = row.variance[i];
    }
    for (uint32_t i = options_.max_buckets - 1; i <= options_.max_buckets;
         ++i) {
      row.total[i] = row.variance[i] = 0.0;
    }
    row.count -= 2;
    if (next.count <= options_.max_buckets) break;
  }
}

double Adwin::DeleteOldest() {
  Row& row = rows_.back();
  const double n = std::ldexp(1.0, static_cast<int>(rows_.size() - 1));
  const double u = row.total[0];
  const double mu = u / n;
  const double v = row.variance[0];
  width_ -= n;
  total_ -= u;
  const double mu_window = total_ / width_;
  variance_ -=
      v + n * width_ * (mu - mu_window) * (mu - mu_window) / (n + width_);
  for (uint32_t i = 1; i <= options_.max_buckets; ++i) {
    row.total[i - 1] = row.total[i];
    row.variance[i - 1] = row.variance[i];
  }
  row.total[options_.max_buckets] = row.variance[options_.max_buckets] = 0.0;
  --row.count;
  if (row.count == 0) rows_.pop_back();
  return n;
}

bool Adwin::CutTest(double n0, double n1, double delta_mean) const {
  const double m = options_.min_window_length;
  const double delta_prime = std::log(2.0 * std::log(width_) / options_.delta);
  const double m_recip = 1.0 / (n0 - m + 1.0) + 1.0 / (n1 - m + 1.0);
  const double epsilon =
      std::sqrt(2.0 * m_recip * (variance_ / width_) * delta_prime) +
      2.0 / 3.0 * delta_prime * m_recip;
  return std::fabs(delta_mean) > epsilon;
}

bool Adwin::DetectChange() {
  bool change = false;
  ++tick_;
  if (tick_ % options_.clock != 0 || !(width_ > options_.grace_period)) {
    return false;
  }
  // Each pass either finds no cut (ends) or drops one bucket (width shrinks),
  // so the loop is bounded by the number of buckets.
  bool reduce_width = true;
  while (reduce_width) {
    reduce_width = false;
    bool exit = false;
    double n0 = 0, n1 = width_, u0 = 0, u1 = total_;
    for (size_t idx = rows_.size(); idx-- > 0 && !exit;) {
      const Row& row = rows_[idx];
      const double n2 = std::ldexp(1.0, static_cast<int>(idx));
      // River scans range(count - 1): the newest bucket of a row is skipped.
      for (uint32_t k = 0; k + 1 < row.count; ++k) {
        n0 += n2;
        n1 -= n2;
        u0 += row.total[k];
        u1 -= row.total[k];
        const double delta_mean = u0 / n0 - u1 / n1;
        if (n1 >= options_.min_window_length &&
            n0 >= options_.min_window_length && CutTest(n0, n1, delta_mean)) {
          reduce_width = true;
          change = true;
          if (width_ > 0) {
            DeleteOldest();
            exit = true;
            break;
          }
        }
      }
    }
  }
  return change;
}

std::string Adwin::Serialize() const {
  StateWriter w(StateTag::kAdwin, kVersion);
  w.F64(options_.delta);
  w.U32(options_.clock);
  w.U32(options_.max_buckets);
  w.U32(options_.min_window_length);
  w.U32(options_.grace_period);
  w.F64(total_);
  w.F64(variance_);
  w.F64(width_);
  w.U64(tick_);
  w.Bool(drift_detected_);
  w.U64(n_detections_total_);
  w.U64(rows_.size());
  for (const Row& r : rows_) {
    w.U32(r.count);
    for (uint32_t i = 0; i < r.count; ++i) {
      w.F64(r.total[i]);
      w.F64(r.variance[i]);
    }
  }
  return w.Finish();
}

absl::StatusOr<Adwin> Adwin::Deserialize(absl::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r,
                   StateReader::Open(bytes, StateTag::kAdwin, kVersion));
  AdwinOptions o;
  RETURN_IF_ERROR(r.FiniteF64(&o.delta));
  RETURN_IF_ERROR(r.U32(&o.clock));
  RETURN_IF_ERROR(r.U32(&o.max_buckets));
  RETURN_IF_ERROR(r.U32(&o.min_window_length));
  RETURN_IF_ERROR(r.U32(&o.grace_period));
  RETURN_IF_ERROR(o.Validate());
  Adwin a(o);
  RETURN_IF_ERROR(r.FiniteF64(&a.total_));
  RETURN_IF_ERROR(r.FiniteF64(&a.variance_));
  RETURN_IF_ERROR(r.FiniteF64(&a.width_));
  RETURN_IF_ERROR(r.U64(&a.tick_));
  RETURN_IF_ERROR(r.Bool(&a.drift_detected_));
  RETURN_IF_ERROR(r.U64(&a.n_detections_total_));
  uint64_t rows;
  RETURN_IF_ERROR(r.Count(&rows, kMaxRows - 1, 4));
  if (rows == 0) return CorruptState("adwin", "no bucket rows");
  a.rows_.assign(rows, a.NewRow());
  double width = 0;
  for (uint64_t i = 0; i < rows; ++i) {
    Row& row = a.rows_[i];
    RETURN_IF_ERROR(r.U32(&row.count));
    // Row 0 may be empty (fresh); at rest no row holds more than max_buckets.
    if (row.count > o.max_buckets ||
        (i > 0 && i + 1 == rows && row.count == 0)) {
      return CorruptState("adwin", "bad bucket count");
    }
    for (uint32_t k = 0; k < row.count; ++k) {
      RETURN_IF_ERROR(r.FiniteF64(&row.total[k]));
      RETURN_IF_ERROR(r.FiniteF64(&row.variance[k]));
    }
    width += row.count * std::ldexp(1.0, static_cast<int>(i));
  }
  if (width != a.width_ || a.width_ < 0) {
    return CorruptState("adwin", "width does not match the buckets");
  }
  RETURN_IF_ERROR(r.Done());
  return a;
}

}  // namespace rtai::ml
