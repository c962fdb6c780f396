#pragma once
// ProcessingTimers: the processing-time timers of one task's operator chain
// (Flink's processing-time service). An operator registers a time through
// OperatorContext::register_processing_timer; once the task's clock reaches
// it, the task calls that operator's OnProcessingTime(time) between two
// elements, on the task thread. One timer per distinct (operator, time);
// at most kMaxTimers pending (kResourceExhausted beyond). Timers are not
// checkpointed here: an operator that needs them after a restore registers
// them again in RestoreState (its snapshot knows why it wanted them).
// Not thread-safe: used by the task thread only.

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace rtai::engine::runtime {

class ProcessingTimers {
 public:
  static constexpr size_t kMaxTimers = 1 << 20;

  absl::Status Register(int op, int64_t time_ms);
  bool empty() const { return timers_.empty(); }
  size_t size() const { return timers_.size(); }
  // The earliest pending time; only when !empty().
  int64_t next() const { return timers_.begin()->first; }
  // Removes and returns the timers due at `now_ms` (time <= now), earliest
  // first, then by operator index.
  std::vector<std::pair<int64_t, int>> PopDue(int64_t now_ms);

 private:
  std::set<std::pair<int64_t, int>> timers_;  // (time, operator index)
};

}  // namespace rtai::engine::runtime
