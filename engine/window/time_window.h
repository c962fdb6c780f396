#pragma once
// TimeWindow: the event-time interval [start_ms, end_ms) of a window or slice.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace rtai::engine::window {

struct TimeWindow {
  int64_t start_ms;
  int64_t end_ms;  // exclusive

  // The last timestamp inside the window; the window can fire once the
  // watermark passes it.
  int64_t max_timestamp() const { return end_ms - 1; }
  bool Contains(int64_t ts) const { return ts >= start_ms && ts < end_ms; }
  // Overlapping or touching (Flink's rule for merging sessions).
  bool Intersects(const TimeWindow& o) const {
    return start_ms <= o.end_ms && end_ms >= o.start_ms;
  }
  TimeWindow Cover(const TimeWindow& o) const {
    return TimeWindow{start_ms < o.start_ms ? start_ms : o.start_ms,
                      end_ms > o.end_ms ? end_ms : o.end_ms};
  }
  std::string DebugString() const {
    return absl::StrCat("[", start_ms, ",", end_ms, ")");
  }

  friend bool operator==(const TimeWindow& a, const TimeWindow& b) {
    return a.start_ms == b.start_ms && a.end_ms == b.end_ms;
  }
  friend bool operator<(const TimeWindow& a, const TimeWindow& b) {
    return a.start_ms != b.start_ms ? a.start_ms < b.start_ms
                                    : a.end_ms < b.end_ms;
  }
};

// ts rounded down to the grid {offset + k * size}; correct for negative ts.
inline int64_t AlignDown(int64_t ts, int64_t size, int64_t offset) {
  const int64_t r = ((ts - offset) % size + size) % size;
  return ts - r;
}

}  // namespace rtai::engine::window
