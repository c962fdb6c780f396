#include "engine/runtime/processing_timers.h"

#include "absl/strings/str_cat.h"

namespace rtai::engine::runtime {

absl::Status ProcessingTimers::Register(int op, int64_t time_ms) {
  if (timers_.size() >= kMaxTimers && timers_.count({time_ms, op}) == 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", kMaxTimers, " processing-time timers pending in one task"));
  }
  timers_.emplace(time_ms, op);
  return absl::OkStatus();
}

std::vector<std::pair<int64_t, int>> ProcessingTimers::PopDue(int64_t now_ms) {
  std::vector<std::pair<int64_t, int>> due;
  while (!timers_.empty() && timers_.begin()->first <= now_ms) {
    due.push_back(*timers_.begin());
    timers_.erase(timers_.begin());
  }
  return due;
}

}  // namespace rtai::engine::runtime
