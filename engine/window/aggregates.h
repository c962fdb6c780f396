#pragma once
// Mergeable accumulators for window aggregation. Each has Add (one input),
// Merge (fold another accumulator in: slices into windows, sessions into
// sessions) and a result. Plain value types, no allocation, trivially
// copyable, so slices can be combined cheaply. Nulls are skipped by the
// caller (SQL semantics: aggregates ignore nulls; count(col) counts
// non-nulls). An empty accumulator's result is nullopt (SQL null), except
// Count, which is 0.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace rtai::engine::window {

struct CountAgg {
  int64_t n = 0;
  void Add() { ++n; }
  void Merge(const CountAgg& o) { n += o.n; }
  int64_t Result() const { return n; }
};

// Integer sum; overflow makes the result null (like integer arithmetic in
// expressions) rather than wrapping.
struct SumInt64Agg {
  int64_t sum = 0;
  int64_t n = 0;
  bool overflow = false;
  void Add(int64_t x) {
    overflow |= __builtin_add_overflow(sum, x, &sum);
    ++n;
  }
  void Merge(const SumInt64Agg& o) {
    overflow |= o.overflow || __builtin_add_overflow(sum, o.sum, &sum);
    n += o.n;
  }
  std::optional<int64_t> Result() const {
    if (n == 0 || overflow) return std::nullopt;
    return sum;
  }
};

struct SumDoubleAgg {
  double sum = 0;
  int64_t n = 0;
  void Add(double x) { sum += x, ++n; }
  void Merge(const SumDoubleAgg& o) { sum += o.sum, n += o.n; }
  std::optional<double> Result() const {
    return n == 0 ? std::nullopt : std::optional<double>(sum);
  }
};

template <typename T>
struct MinAgg {
  T value{};
  bool has = false;
  void Add(T x) {
    if (!has || x < value) value = x, has = true;
  }
  void Merge(const MinAgg& o) {
    if (o.has) Add(o.value);
  }
  std::optional<T> Result() const {
    return has ? std::optional<T>(value) : std::nullopt;
  }
};

template <typename T>
struct MaxAgg {
  T value{};
  bool has = false;
  void Add(T x) {
    if (!has || x > value) value = x, has = true;
  }
  void Merge(const MaxAgg& o) {
    if (o.has) Add(o.value);
  }
  std::optional<T> Result() const {
    return has ? std::optional<T>(value) : std::nullopt;
  }
};

struct AvgAgg {
  double sum = 0;
  int64_t n = 0;
  void Add(double x) { sum += x, ++n; }
  void Merge(const AvgAgg& o) { sum += o.sum, n += o.n; }
  std::optional<double> Result() const {
    return n == 0 ? std::nullopt
                  : std::optional<double>(sum / static_cast<double>(n));
  }
};

// Welford's running mean and M2; merged with Chan et al.'s parallel formula,
// so the result does not depend on how inputs were split into slices.
struct StddevAgg {
  int64_t n = 0;
  double mean = 0;
  double m2 = 0;
  void Add(double x) {
    ++n;
    const double delta = x - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (x - mean);
  }
  void Merge(const StddevAgg& o) {
    if (o.n == 0) return;
    if (n == 0) {
      *this = o;
      return;
    }
    const double total = static_cast<double>(n + o.n);
    const double delta = o.mean - mean;
    mean += delta * static_cast<double>(o.n) / total;
    m2 += o.m2 + delta * delta * static_cast<double>(n) *
                     static_cast<double>(o.n) / total;
    n += o.n;
  }
  // Population standard deviation (divide by n).
  std::optional<double> PopulationResult() const {
    return n == 0 ? std::nullopt : std::optional<double>(std::sqrt(m2 / n));
  }
  // Sample standard deviation (divide by n - 1); null below 2 inputs.
  std::optional<double> SampleResult() const {
    return n < 2 ? std::nullopt
                 : std::optional<double>(std::sqrt(m2 / (n - 1)));
  }
};

// First / last by event time, so the answer does not depend on arrival
// order. Ties on the timestamp go to the smaller `seq` for First and the
// larger for Last, where seq is the caller's arrival number (e.g. offset).
template <typename T>
struct FirstAgg {
  T value{};
  int64_t ts = std::numeric_limits<int64_t>::max();
  int64_t seq = std::numeric_limits<int64_t>::max();
  bool has = false;
  void Add(T x, int64_t t, int64_t s) {
    if (!has || t < ts || (t == ts && s < seq))
      value = x, ts = t, seq = s, has = true;
  }
  void Merge(const FirstAgg& o) {
    if (o.has) Add(o.value, o.ts, o.seq);
  }
  std::optional<T> Result() const {
    return has ? std::optional<T>(value) : std::nullopt;
  }
};

template <typename T>
struct LastAgg {
  T value{};
  int64_t ts = std::numeric_limits<int64_t>::min();
  int64_t seq = std::numeric_limits<int64_t>::min();
  bool has = false;
  void Add(T x, int64_t t, int64_t s) {
    if (!has || t > ts || (t == ts && s > seq))
      value = x, ts = t, seq = s, has = true;
  }
  void Merge(const LastAgg& o) {
    if (o.has) Add(o.value, o.ts, o.seq);
  }
  std::optional<T> Result() const {
    return has ? std::optional<T>(value) : std::nullopt;
  }
};

}  // namespace rtai::engine::window
