#pragma once
// PartitionClient: the engine's narrow view of the broker. Sources and sinks
// use only this interface, so engine/ never includes broker/ (the adapter
// over broker::Broker lives in cli/, and a remote broker could implement it).
//
// Records cross it as (key, value, timestamp, headers). Implementations must
// be thread-safe: many source and sink subtasks call one client concurrently.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/io/group_offsets.h"

namespace rtai::engine::io {

struct ClientRecord {
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t offset = -1;  // filled by ReadBatch
};

struct ReadResult {
  std::vector<ClientRecord> records;  // consecutive, from the requested offset on
  int64_t next_offset = 0;            // where the next read starts
  int64_t end_offset = 0;             // the partition's readable end (high watermark)
};

class PartitionClient {
 public:
  virtual ~PartitionClient() = default;

  // Number of partitions of `topic`; kNotFound if it does not exist.
  virtual absl::StatusOr<int32_t> PartitionCount(const std::string& topic) = 0;
  // [start, end) offsets readable now.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(
      const std::string& topic, int32_t partition) = 0;
  // Up to about `max_bytes` of records from `offset`; waits up to
  // `max_wait_ms` when there is nothing yet (long poll), then returns empty.
  virtual absl::StatusOr<ReadResult> ReadBatch(const std::string& topic,
                                               int32_t partition, int64_t offset,
                                               int32_t max_bytes,
                                               int32_t max_wait_ms) = 0;
  // Appends `records` (partition chosen by key, or round robin when keyless);
  // returns once they are acknowledged.
  virtual absl::Status Append(const std::string& topic,
                              std::vector<ClientRecord> records) = 0;
  // Consumer-group committed offsets of this broker (broker_source `group`),
  // or null when the broker offers none. Owned by the client.
  virtual GroupOffsets* group_offsets() { return nullptr; }
};

}  // namespace rtai::engine::io
