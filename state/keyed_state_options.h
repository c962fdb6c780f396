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
  // Default: false. Without the write-ahead log, state written since the
  // last checkpoint or flush is lost in a crash — which is fine, because a
  // failed job restarts from its last checkpoint anyway (as Flink's RocksDB
  // backend does) — and writes are cheaper. Close() and CreateCheckpoint()
  // flush memtables, so closing and reopening loses nothing.
  bool use_wal = false;
  // Default: false. fsync the WAL on every write (requires use_wal).
  bool sync_writes = false;
  // Default: 64 MiB, shared by all column families (bytes).
  size_t block_cache_bytes = 64u << 20;
  // Default: 10. Bloom filter bits per key for point lookups; 0 = none.
  int bloom_bits_per_key = 10;

  absl::Status Validate() const;
};

// Metadata limits.
inline constexpr size_t kMaxOperatorIdBytes = 200;
inline constexpr size_t kMaxStateNameBytes = 200;
inline constexpr uint16_t kMaxStatesPerOperator = 4096;

}  // namespace rtai::state
