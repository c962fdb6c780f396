#pragma once
// Family<T>: one metric name with label names, holding one T (Counter,
// Gauge, Histogram) per distinct tuple of label values.
//
// Cardinality bound: at most `max_series` tuples. Overflow policy: once the
// family is full, any new tuple maps to one shared overflow series whose
// label values are all "__overflow__" (counts are kept, attribution is
// lost), and overflowed() counts such lookups. Label values longer than
// kMaxLabelValueBytes are truncated.
//
// Hot paths: WithLabels takes a shared (reader) lock on this family only;
// callers on per-record paths look up once per request or cache the
// returned pointer, which stays valid for the family's lifetime (series are
// never removed).
// Thread safety: all methods are thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/check.h"

namespace rtai::metrics {

inline constexpr size_t kMaxLabelValueBytes = 256;
inline constexpr char kOverflowLabelValue[] = "__overflow__";

template <typename T>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  Family(std::vector<std::string> label_names, size_t max_series, Factory make)
      : label_names_(std::move(label_names)),
        max_series_(max_series),
        make_(std::move(make)) {
    CHECK_GE(max_series_, size_t{1});
  }

  // The series for `values` (one per label name: CHECKed).
  T* WithLabels(std::vector<std::string> values) {
    CHECK_EQ(values.size(), label_names_.size());
    for (std::string& v : values) {
      if (v.size() > kMaxLabelValueBytes) v.resize(kMaxLabelValueBytes);
    }
    {
      absl::ReaderMutexLock l(&mu_);
      auto it = series_.find(values);
      if (it != series_.end()) return it->second.get();
    }
    absl::MutexLock l(&mu_);
    auto it = series_.find(values);
    if (it != series_.end()) return it->second.get();
    if (series_.size() >= max_series_) {
      ++overflowed_;
      std::vector<std::string> overflow(label_names_.size(), kOverflowLabelValue);
      std::unique_ptr<T>& slot = series_[overflow];
      if (slot == nullptr) slot = make_();
      return slot.get();
    }
    std::unique_ptr<T>& slot = series_[std::move(values)];
    slot = make_();
    return slot.get();
  }

  const std::vector<std::string>& label_names() const { return label_names_; }
  int64_t overflowed() const {
    absl::MutexLock l(&mu_);
    return overflowed_;
  }
  // Calls fn(label values, series) in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&,
                                        const T&)>& fn) const {
    absl::ReaderMutexLock l(&mu_);
    for (const auto& [values, series] : series_) fn(values, *series);
  }

 private:
  const std::vector<std::string> label_names_;
  const size_t max_series_;
  const Factory make_;
  mutable absl::Mutex mu_;
  // May hold max_series_ + 1 entries (the overflow series).
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_
      ABSL_GUARDED_BY(mu_);
  int64_t overflowed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rtai::metrics
