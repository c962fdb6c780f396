#pragma once
// Per-partition log settings. Topic configs (Kafka names in parentheses) map
// onto these; broker defaults fill what a topic does not set.

#include <cstdint>

#include "absl/status/status.h"

namespace rtai::broker {

// When an acknowledged write is on disk.
enum class FlushPolicy {
  // fsync before ack; concurrent appends share one fsync (group commit).
  kPerWrite,
  // Ack once written to the OS; a background fsync runs every
  // flush_interval_ms (the log's owner, e.g. the broker, calls
  // PartitionLog::Sync(); the log has no timer of its own). A power loss may
  // lose up to that much acknowledged data.
  kInterval,
};

struct LogConfig {
  // Roll the active segment before it would exceed this size (segment.bytes).
  // Default: 128 MiB. Validate() requires >= 1 KiB.
  int64_t segment_bytes = int64_t{128} << 20;
  // Roll the active segment once its first batch is this old (segment.ms).
  // Default: 7 days (ms).
  int64_t segment_ms = int64_t{7} * 24 * 3600 * 1000;
  // Delete sealed segments whose newest record is older (retention.ms);
  // -1 keeps them forever. Default: 7 days (ms).
  int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;
  // Delete the oldest sealed segments while the partition is larger
  // (retention.bytes); -1 means no size limit. Default: -1 (bytes).
  int64_t retention_bytes = -1;
  // Largest record batch accepted (max.message.bytes). Default: 1 MiB + 12
  // bytes of batch overhead, as Kafka (bytes).
  int32_t max_message_bytes = (1 << 20) + 12;
  // Bytes between sparse index entries (index.interval.bytes).
  // Default: 4096 (bytes).
  int32_t index_interval_bytes = 4096;
  // Default: kPerWrite.
  FlushPolicy flush_policy = FlushPolicy::kPerWrite;
  // For kInterval (flush.ms). Default: 1000 (ms).
  int64_t flush_interval_ms = 1000;

  // InvalidArgument naming the field when a value is out of range.
  absl::Status Validate() const;
};

}  // namespace rtai::broker
