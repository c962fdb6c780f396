#pragma once
// Window assigners: which window(s) a timestamp or element belongs to.
//   TumblingWindows  fixed, non-overlapping event-time windows
//   SlidingWindows   overlapping windows built from shared slices: a record
//                    is added to exactly one slice (gcd(size, slide) long),
//                    and each window combines the size/slice slices it
//                    covers, so per-record work does not grow with overlap
//   CountWindows     tumbling windows of N elements per key
// Session windows merge, so they have their own class (session_windows.h).
// All immutable after Create(): thread-safe.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/window/time_window.h"

namespace rtai::engine::window {

class TumblingWindows {
 public:
  // size_ms > 0, 0 <= offset_ms < size_ms.
  static absl::StatusOr<TumblingWindows> Create(int64_t size_ms,
                                                int64_t offset_ms = 0);
  TimeWindow WindowFor(int64_t ts) const {
    const int64_t start = AlignDown(ts, size_ms_, offset_ms_);
    return TimeWindow{start, start + size_ms_};
  }
  int64_t size_ms() const { return size_ms_; }

 private:
  TumblingWindows(int64_t size, int64_t offset)
      : size_ms_(size), offset_ms_(offset) {}
  int64_t size_ms_, offset_ms_;
};

class SlidingWindows {
 public:
  // Default limit on slices per window (size / gcd(size, slide)).
  static constexpr int64_t kMaxSlicesPerWindow = 100000;

  // size_ms > 0, slide_ms > 0, 0 <= offset_ms < slide_ms, and at most
  // kMaxSlicesPerWindow slices per window.
  static absl::StatusOr<SlidingWindows> Create(int64_t size_ms,
                                               int64_t slide_ms,
                                               int64_t offset_ms = 0);

  int64_t slice_ms() const { return slice_ms_; }
  // The one slice a record with timestamp `ts` is added to.
  TimeWindow SliceFor(int64_t ts) const {
    const int64_t start = AlignDown(ts, slice_ms_, offset_ms_);
    return TimeWindow{start, start + slice_ms_};
  }
  // The windows containing `slice`, by ascending start (appended to *out).
  void WindowsOfSlice(const TimeWindow& slice,
                      std::vector<TimeWindow>* out) const;
  // The slices that make up `window`, by ascending start (appended to *out).
  void SlicesOfWindow(const TimeWindow& window,
                      std::vector<TimeWindow>* out) const;
  // All windows containing `ts` (what a non-slicing assigner would return).
  void WindowsFor(int64_t ts, std::vector<TimeWindow>* out) const {
    WindowsOfSlice(SliceFor(ts), out);
  }

 private:
  SlidingWindows(int64_t size, int64_t slide, int64_t offset, int64_t slice)
      : size_ms_(size),
        slide_ms_(slide),
        offset_ms_(offset),
        slice_ms_(slice) {}
  int64_t size_ms_, slide_ms_, offset_ms_, slice_ms_;
};

// Count windows: element number n (0-based, per key) belongs to window
// n / size; the window is complete after its last element.
class CountWindows {
 public:
  static absl::StatusOr<CountWindows> Create(uint64_t size);
  uint64_t WindowFor(uint64_t element_index) const {
    return element_index / size_;
  }
  bool CompletesWindow(uint64_t element_index) const {
    return element_index % size_ == size_ - 1;
  }

 private:
  explicit CountWindows(uint64_t size) : size_(size) {}
  uint64_t size_;
};

}  // namespace rtai::engine::window
