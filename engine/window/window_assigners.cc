#include "engine/window/window_assigners.h"

#include <algorithm>
#include <numeric>

namespace rtai::engine::window {

absl::StatusOr<TumblingWindows> TumblingWindows::Create(int64_t size_ms,
                                                        int64_t offset_ms) {
  if (size_ms <= 0)
    return absl::InvalidArgumentError("tumbling window size must be > 0");
  if (offset_ms < 0 || offset_ms >= size_ms) {
    return absl::InvalidArgumentError(
        "tumbling window offset must be in [0, size)");
  }
  return TumblingWindows(size_ms, offset_ms);
}

absl::StatusOr<SlidingWindows> SlidingWindows::Create(int64_t size_ms,
                                                      int64_t slide_ms,
                                                      int64_t offset_ms) {
  if (size_ms <= 0 || slide_ms <= 0) {
    return absl::InvalidArgumentError(
        "sliding window size and slide must be > 0");
  }
  if (offset_ms < 0 || offset_ms >= slide_ms) {
    return absl::InvalidArgumentError(
        "sliding window offset must be in [0, slide)");
  }
  const int64_t slice = std::gcd(size_ms, slide_ms);
  if (size_ms / slice > kMaxSlicesPerWindow) {
    return absl::InvalidArgumentError(
        "sliding window needs too many slices (size / gcd(size, slide) > "
        "100000)");
  }
  return SlidingWindows(size_ms, slide_ms, offset_ms, slice);
}

void SlidingWindows::WindowsOfSlice(const TimeWindow& slice,
                                    std::vector<TimeWindow>* out) const {
  // Window starts lie on the slide grid; a window [s, s + size) covers the
  // slice iff s <= slice.start and slice.end <= s + size.
  const size_t first = out->size();
  const int64_t last_start = AlignDown(slice.start_ms, slide_ms_, offset_ms_);
  for (int64_t s = last_start; s + size_ms_ >= slice.end_ms; s -= slide_ms_) {
    out->push_back(TimeWindow{s, s + size_ms_});
  }
  std::reverse(out->begin() + static_cast<std::ptrdiff_t>(first), out->end());
}

void SlidingWindows::SlicesOfWindow(const TimeWindow& window,
                                    std::vector<TimeWindow>* out) const {
  for (int64_t s = window.start_ms; s < window.end_ms; s += slice_ms_) {
    out->push_back(TimeWindow{s, s + slice_ms_});
  }
}

absl::StatusOr<CountWindows> CountWindows::Create(uint64_t size) {
  if (size == 0)
    return absl::InvalidArgumentError("count window size must be > 0");
  return CountWindows(size);
}

}  // namespace rtai::engine::window
