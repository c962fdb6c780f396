#pragma once
// Entries of the two sparse per-segment indexes (docs/formats/log.md).

#include <cstdint>

#include "base/byte_order.h"

namespace rtai::broker {

// `.index`: the batch whose baseOffset is segment base + relative_offset
// starts at byte `position` of the `.log` file. 8 bytes, big-endian.
struct OffsetIndexEntry {
  static constexpr int kSize = 8;
  uint32_t relative_offset = 0;
  uint32_t position = 0;

  void Encode(char* p) const {
    StoreBigEndian<uint32_t>(p, relative_offset);
    StoreBigEndian<uint32_t>(p + 4, position);
  }
  static OffsetIndexEntry Decode(const char* p) {
    return {LoadBigEndian<uint32_t>(p), LoadBigEndian<uint32_t>(p + 4)};
  }
};

// `.timeindex`: `timestamp_ms` is the largest batch maxTimestamp of all
// batches of the segment up to and including the batch at base +
// relative_offset. 12 bytes, big-endian. Timestamps never decrease.
struct TimeIndexEntry {
  static constexpr int kSize = 12;
  int64_t timestamp_ms = 0;
  uint32_t relative_offset = 0;

  void Encode(char* p) const {
    StoreBigEndian<int64_t>(p, timestamp_ms);
    StoreBigEndian<uint32_t>(p + 8, relative_offset);
  }
  static TimeIndexEntry Decode(const char* p) {
    return {LoadBigEndian<int64_t>(p), LoadBigEndian<uint32_t>(p + 8)};
  }
};

}  // namespace rtai::broker
