#include "engine/operators/window_accumulator.h"

#include <cstring>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/record/key_encoding.h"
#include "engine/window/aggregates.h"
#include "engine/window/hyperloglog.h"

namespace rtai::engine::operators {
namespace {

using graph::AggregateFn;
using window::HyperLogLog;

constexpr size_t kNoHll = static_cast<size_t>(-1);

template <typename T>
T Load(const char* p) {
  static_assert(sizeof(T) <= WindowAccumulator::kSlotBytes);
  T t;
  std::memcpy(&t, p, sizeof(T));
  return t;
}
template <typename T>
void Store(const T& t, char* p) {
  std::memcpy(p, &t, sizeof(T));
}

// Numeric view of a value for ordered aggregates.
template <typename T>
T As(const Value& v);
template <>
int64_t As<int64_t>(const Value& v) {
  return v.type() == TypeId::kBool ? (v.boolean() ? 1 : 0) : v.int64();
}
template <>
double As<double>(const Value& v) {
  return v.type() == TypeId::kDouble ? v.dbl() : static_cast<double>(v.int64());
}

template <typename T>
void AddOrdered(AggregateFn fn, const Value& v, int64_t ts, int64_t seq, char* slot) {
  const T x = As<T>(v);
  switch (fn) {
    case AggregateFn::kMin: { auto a = Load<window::MinAgg<T>>(slot); a.Add(x); Store(a, slot); break; }
    case AggregateFn::kMax: { auto a = Load<window::MaxAgg<T>>(slot); a.Add(x); Store(a, slot); break; }
    case AggregateFn::kFirst: { auto a = Load<window::FirstAgg<T>>(slot); a.Add(x, ts, seq); Store(a, slot); break; }
    case AggregateFn::kLast: { auto a = Load<window::LastAgg<T>>(slot); a.Add(x, ts, seq); Store(a, slot); break; }
    default: CHECK(false);
  }
}

template <typename T>
void MergeOrdered(AggregateFn fn, const char* o, char* slot) {
  switch (fn) {
    case AggregateFn::kMin: { auto a = Load<window::MinAgg<T>>(slot); a.Merge(Load<window::MinAgg<T>>(o)); Store(a, slot); break; }
    case AggregateFn::kMax: { auto a = Load<window::MaxAgg<T>>(slot); a.Merge(Load<window::MaxAgg<T>>(o)); Store(a, slot); break; }
    case AggregateFn::kFirst: { auto a = Load<window::FirstAgg<T>>(slot); a.Merge(Load<window::FirstAgg<T>>(o)); Store(a, slot); break; }
    case AggregateFn::kLast: { auto a = Load<window::LastAgg<T>>(slot); a.Merge(Load<window::LastAgg<T>>(o)); Store(a, slot); break; }
    default: CHECK(false);
  }
}

template <typename T>
std::optional<T> OrderedResult(AggregateFn fn, const char* slot) {
  switch (fn) {
    case AggregateFn::kMin: return Load<window::MinAgg<T>>(slot).Result();
    case AggregateFn::kMax: return Load<window::MaxAgg<T>>(slot).Result();
    case AggregateFn::kFirst: return Load<window::FirstAgg<T>>(slot).Result();
    case AggregateFn::kLast: return Load<window::LastAgg<T>>(slot).Result();
    default: CHECK(false);
  }
  return std::nullopt;
}

Value Typed(TypeId type, int64_t x) {
  if (type == TypeId::kBool) return Value::Bool(x != 0);
  if (type == TypeId::kTimestamp) return Value::Timestamp(x);
  return Value::Int64(x);
}

}  // namespace

WindowAccumulator::WindowAccumulator(const std::vector<graph::AggregateSpec>* specs)
    : specs_(specs) {
  size_ = specs->size() * kSlotBytes;
  hll_bytes_ = HyperLogLog(kHllPrecision).Serialize().size();
  for (const graph::AggregateSpec& s : *specs) {
    if (s.fn == AggregateFn::kApproxDistinct) {
      hll_offset_.push_back(size_);
      size_ += hll_bytes_;
    } else {
      hll_offset_.push_back(kNoHll);
    }
  }
}

std::string WindowAccumulator::CreateAccumulator() const {
  std::string acc(size_, '\0');
  const std::string empty_hll = HyperLogLog(kHllPrecision).Serialize();
  for (size_t i = 0; i < specs_->size(); ++i) {
    char* slot = acc.data() + i * kSlotBytes;
    // Every accumulator struct is valid when value-initialized except the
    // ts/seq sentinels of FirstAgg; construct each one properly.
    switch ((*specs_)[i].fn) {
      case AggregateFn::kFirst:
        if ((*specs_)[i].input_type == TypeId::kDouble) Store(window::FirstAgg<double>{}, slot);
        else Store(window::FirstAgg<int64_t>{}, slot);
        break;
      case AggregateFn::kLast:
        if ((*specs_)[i].input_type == TypeId::kDouble) Store(window::LastAgg<double>{}, slot);
        else Store(window::LastAgg<int64_t>{}, slot);
        break;
      case AggregateFn::kApproxDistinct:
        std::memcpy(acc.data() + hll_offset_[i], empty_hll.data(), empty_hll.size());
        break;
      default:
        break;  // all-zero is the empty CountAgg/Sum/Min/Max/Avg/Stddev
    }
  }
  return acc;
}

void WindowAccumulator::AddRecord(const Value* inputs, int64_t ts, int64_t seq,
                                  std::string* acc) const {
  DCHECK_EQ(acc->size(), size_);
  std::string key;
  for (size_t i = 0; i < specs_->size(); ++i) {
    const graph::AggregateSpec& s = (*specs_)[i];
    char* slot = acc->data() + i * kSlotBytes;
    const Value& v = inputs[i];
    if (s.fn == AggregateFn::kCount) {
      if (s.expr.empty() || !v.is_null()) { auto a = Load<window::CountAgg>(slot); a.Add(); Store(a, slot); }
      continue;
    }
    if (v.is_null()) continue;
    const bool dbl = s.input_type == TypeId::kDouble;
    switch (s.fn) {
      case AggregateFn::kSum:
        if (dbl) { auto a = Load<window::SumDoubleAgg>(slot); a.Add(v.dbl()); Store(a, slot); }
        else { auto a = Load<window::SumInt64Agg>(slot); a.Add(v.int64()); Store(a, slot); }
        break;
      case AggregateFn::kAvg: { auto a = Load<window::AvgAgg>(slot); a.Add(As<double>(v)); Store(a, slot); break; }
      case AggregateFn::kStddev: { auto a = Load<window::StddevAgg>(slot); a.Add(As<double>(v)); Store(a, slot); break; }
      case AggregateFn::kApproxDistinct: {
        key.clear();
        AppendKeyBytes(v, &key);
        auto hll = HyperLogLog::Deserialize(
            std::string_view(acc->data() + hll_offset_[i], hll_bytes_));
        CHECK(hll.ok());
        hll->AddBytes(key);
        const std::string bytes = hll->Serialize();
        std::memcpy(acc->data() + hll_offset_[i], bytes.data(), bytes.size());
        break;
      }
      default:
        if (dbl) AddOrdered<double>(s.fn, v, ts, seq, slot);
        else AddOrdered<int64_t>(s.fn, v, ts, seq, slot);
    }
  }
}

absl::Status WindowAccumulator::Merge(std::string_view other, std::string* acc) const {
  if (other.size() != size_ || acc->size() != size_) {
    return absl::DataLossError("window accumulator has the wrong size");
  }
  for (size_t i = 0; i < specs_->size(); ++i) {
    const graph::AggregateSpec& s = (*specs_)[i];
    const char* o = other.data() + i * kSlotBytes;
    char* slot = acc->data() + i * kSlotBytes;
    const bool dbl = s.input_type == TypeId::kDouble;
    switch (s.fn) {
      case AggregateFn::kCount: { auto a = Load<window::CountAgg>(slot); a.Merge(Load<window::CountAgg>(o)); Store(a, slot); break; }
      case AggregateFn::kSum:
        if (dbl) { auto a = Load<window::SumDoubleAgg>(slot); a.Merge(Load<window::SumDoubleAgg>(o)); Store(a, slot); }
        else { auto a = Load<window::SumInt64Agg>(slot); a.Merge(Load<window::SumInt64Agg>(o)); Store(a, slot); }
        break;
      case AggregateFn::kAvg: { auto a = Load<window::AvgAgg>(slot); a.Merge(Load<window::AvgAgg>(o)); Store(a, slot); break; }
      case AggregateFn::kStddev: { auto a = Load<window::StddevAgg>(slot); a.Merge(Load<window::StddevAgg>(o)); Store(a, slot); break; }
      case AggregateFn::kApproxDistinct: {
        ASSIGN_OR_RETURN(HyperLogLog mine, HyperLogLog::Deserialize(std::string_view(acc->data() + hll_offset_[i], hll_bytes_)));
        ASSIGN_OR_RETURN(HyperLogLog theirs, HyperLogLog::Deserialize(other.substr(hll_offset_[i], hll_bytes_)));
        RETURN_IF_ERROR(mine.Merge(theirs));
        const std::string bytes = mine.Serialize();
        std::memcpy(acc->data() + hll_offset_[i], bytes.data(), bytes.size());
        break;
      }
      default:
        if (dbl) MergeOrdered<double>(s.fn, o, slot);
        else MergeOrdered<int64_t>(s.fn, o, slot);
    }
  }
  return absl::OkStatus();
}

absl::Status WindowAccumulator::Results(std::string_view acc, std::vector<Value>* out) const {
  if (acc.size() != size_) return absl::DataLossError("window accumulator has the wrong size");
  out->clear();
  for (size_t i = 0; i < specs_->size(); ++i) {
    const graph::AggregateSpec& s = (*specs_)[i];
    const char* slot = acc.data() + i * kSlotBytes;
    const bool dbl = s.input_type == TypeId::kDouble;
    Value v = Value::Null(s.output_type);
    switch (s.fn) {
      case AggregateFn::kCount: v = Value::Int64(Load<window::CountAgg>(slot).Result()); break;
      case AggregateFn::kSum:
        if (dbl) { auto r = Load<window::SumDoubleAgg>(slot).Result(); if (r) v = Value::Double(*r); }
        else { auto r = Load<window::SumInt64Agg>(slot).Result(); if (r) v = Value::Int64(*r); }
        break;
      case AggregateFn::kAvg: { auto r = Load<window::AvgAgg>(slot).Result(); if (r) v = Value::Double(*r); break; }
      case AggregateFn::kStddev: { auto r = Load<window::StddevAgg>(slot).PopulationResult(); if (r) v = Value::Double(*r); break; }
      case AggregateFn::kApproxDistinct: {
        ASSIGN_OR_RETURN(HyperLogLog h, HyperLogLog::Deserialize(acc.substr(hll_offset_[i], hll_bytes_)));
        v = Value::Int64(static_cast<int64_t>(h.Estimate()));
        break;
      }
      default:
        if (dbl) { auto r = OrderedResult<double>(s.fn, slot); if (r) v = Value::Double(*r); }
        else { auto r = OrderedResult<int64_t>(s.fn, slot); if (r) v = Typed(s.output_type, *r); }
    }
    out->push_back(v);
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
