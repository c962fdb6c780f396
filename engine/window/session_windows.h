#pragma once
// Session windows: each record opens [ts, ts + gap); windows that overlap or
// touch merge into one session. MergingWindowSet keeps one key's active
// sessions (disjoint, sorted) and reports, for each added record, the
// session it lands in and the sessions that were merged away, so the caller
// can merge their state (e.g. AggregatingState::MergeNamespaces) and cancel
// their timers. Order of arrival does not matter: a late record that bridges
// two sessions merges them. Not thread-safe (one per key, one task thread).

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/window/time_window.h"

namespace rtai::engine::window {

class MergingWindowSet {
 public:
  struct AddResult {
    TimeWindow session;              // the session now holding the record
    std::vector<TimeWindow> merged;  // previous sessions folded into it
    bool is_new = false;             // no previous session was touched
  };

  // gap_ms > 0. Default: at most 10000 open sessions per key.
  explicit MergingWindowSet(int64_t gap_ms, size_t max_sessions = 10000)
      : gap_ms_(gap_ms), max_sessions_(max_sessions) {}

  // kResourceExhausted if the record would open more than max_sessions.
  absl::StatusOr<AddResult> Add(int64_t ts);
  // Drops a session (fired and purged). False if it is not an active session.
  bool Remove(const TimeWindow& session);
  // Re-inserts a session from a checkpoint (Sessions() of an earlier set).
  // kDataLoss if it is empty, shorter than the gap, or overlaps or touches
  // an existing session (then the input was not such a list).
  absl::Status Restore(const TimeWindow& session);
  // Active sessions by ascending start.
  std::vector<TimeWindow> Sessions() const;
  size_t size() const { return by_start_.size(); }

 private:
  int64_t gap_ms_;
  size_t max_sessions_;
  std::map<int64_t, int64_t> by_start_;  // start -> end; disjoint, non-touching
};

}  // namespace rtai::engine::window
