#pragma once
// StateDescriptor: names one piece of keyed state inside an operator, with
// its TTL. The (operator, name) pair is stable across restarts; the kind
// (value, list, map, aggregating, timers) is recorded at first registration and
// re-registering under another kind is kFailedPrecondition.

#include <cstdint>
#include <string>

namespace rtai::state {

enum class StateKind : uint8_t {
  kValue = 1,
  kList = 2,
  kMap = 3,
  kAggregating = 4,
  kTimers = 5,  // state/timer_service.h
};

struct StateDescriptor {
  // Unique within the operator; 1..200 bytes.
  std::string name;
  // Default: 0 = no TTL (milliseconds). With a TTL, an entry expires
  // `ttl_ms` after its last write (reads do not extend it); expired entries
  // are never returned and are dropped by compaction.
  int64_t ttl_ms = 0;
};

}  // namespace rtai::state
