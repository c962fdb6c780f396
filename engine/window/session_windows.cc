#include "engine/window/session_windows.h"

#include "base/check.h"

namespace rtai::engine::window {

absl::StatusOr<MergingWindowSet::AddResult> MergingWindowSet::Add(int64_t ts) {
  CHECK(gap_ms_ > 0);
  AddResult result;
  TimeWindow w{ts, ts > INT64_MAX - gap_ms_ ? INT64_MAX : ts + gap_ms_};
  // Sessions are disjoint and sorted, so those intersecting `w` are
  // contiguous: start at the last session beginning at or before w.start
  // (if it reaches w) and walk forward while sessions begin <= w.end.
  auto it = by_start_.upper_bound(w.start_ms);
  if (it != by_start_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= w.start_ms) it = prev;
  }
  while (it != by_start_.end() && it->first <= w.end_ms) {
    const TimeWindow existing{it->first, it->second};
    result.merged.push_back(existing);
    w = w.Cover(existing);
    it = by_start_.erase(it);
  }
  if (result.merged.empty() && by_start_.size() >= max_sessions_) {
    return absl::ResourceExhaustedError(
        "too many open session windows for one key");
  }
  // A record inside one existing session leaves it unchanged: not a merge.
  if (result.merged.size() == 1 && result.merged[0] == w)
    result.merged.clear();
  else
    result.is_new = result.merged.empty();
  by_start_[w.start_ms] = w.end_ms;
  result.session = w;
  return result;
}

bool MergingWindowSet::Remove(const TimeWindow& session) {
  auto it = by_start_.find(session.start_ms);
  if (it == by_start_.end() || it->second != session.end_ms) return false;
  by_start_.erase(it);
  return true;
}

absl::Status MergingWindowSet::Restore(const TimeWindow& session) {
  if (session.end_ms <= session.start_ms || session.end_ms - session.start_ms < gap_ms_) {
    return absl::DataLossError("session shorter than the gap");
  }
  if (by_start_.size() >= max_sessions_) return absl::DataLossError("too many sessions");
  auto next = by_start_.lower_bound(session.start_ms);
  if (next != by_start_.end() && next->first <= session.end_ms) {
    return absl::DataLossError("sessions overlap");
  }
  if (next != by_start_.begin() && std::prev(next)->second >= session.start_ms) {
    return absl::DataLossError("sessions overlap");
  }
  by_start_[session.start_ms] = session.end_ms;
  return absl::OkStatus();
}

std::vector<TimeWindow> MergingWindowSet::Sessions() const {
  std::vector<TimeWindow> out;
  out.reserve(by_start_.size());
  for (const auto& [start, end] : by_start_)
    out.push_back(TimeWindow{start, end});
  return out;
}

}  // namespace rtai::engine::window
