#pragma once
// Options of a KeyedStateBackend (one RocksDB instance per task or job dir).

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "base/clock.h"

namespace rtai::state {

struct KeyedStateOptions {
  // Directory of the RocksDB instance. Required; created if missing.
  std::string dir;
  // Default: 128. Number of key groups; fixed for the life of the job
  // (reopening with another value is kFailedPrecondition). 1..32768.
  uint32_t max_parallelism = 128;
  // Default: SystemClock(). Drives TTL; must outlive the backend.
  const Clock* clock = nullptr;
  // Default: 16 MiB per column family memtable (bytes).
  size_t write_buffer_bytes = 16u << 20;
  // Default: false. State is made durable by checkpoints, not per write.
  bool sync_writes = false;

  absl::Status Validate() const;
};

// Metadata limits.
inline constexpr size_t kMaxOperatorIdBytes = 200;
inline constexpr size_t kMaxStateNameBytes = 200;
inline constexpr uint16_t kMaxStatesPerOperator = 4096;

}  // namespace rtai::state
