#pragma once
// A decoded Kafka record (one element of a v2 record batch), as tests, tools
// and the engine see it. The log itself never decodes records on the hot path:
// it stores and serves whole batches (see record_batch.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"

namespace rtai::broker {

struct RecordHeader {
  std::string key;
  std::optional<std::string> value;  // nullopt = null value
  friend bool operator==(const RecordHeader&, const RecordHeader&) = default;
};

struct Record {
  std::optional<std::string> key;    // nullopt = null key
  std::optional<std::string> value;  // nullopt = null value (tombstone)
  std::vector<RecordHeader> headers;
  int64_t timestamp_ms = 0;
  // Ignored by BuildRecordBatch (records get consecutive offset deltas);
  // set by DecodeRecordBatches to baseOffset + offsetDelta.
  Offset offset;
  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace rtai::broker
