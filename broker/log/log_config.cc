#include "broker/log/log_config.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

absl::Status LogConfig::Validate() const {
  auto bad = [](absl::string_view field, int64_t value,
                absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("log config: ", field, " = ", value, " ", rule));
  };
  if (segment_bytes < 1024 || segment_bytes > INT32_MAX) {
    return bad("segment_bytes (segment.bytes)", segment_bytes,
               "must be in [1024, 2147483647] bytes");
  }
  if (segment_ms < 1)
    return bad("segment_ms (segment.ms)", segment_ms, "must be >= 1 ms");
  if (retention_ms < -1) {
    return bad("retention_ms (retention.ms)", retention_ms,
               "must be >= -1 (-1 = forever)");
  }
  if (retention_bytes < -1) {
    return bad("retention_bytes (retention.bytes)", retention_bytes,
               "must be >= -1 (-1 = no limit)");
  }
  if (max_message_bytes < batch_layout::kHeaderSize) {
    return bad("max_message_bytes (max.message.bytes)", max_message_bytes,
               "must be at least the 61-byte batch header");
  }
  if (index_interval_bytes < 0) {
    return bad("index_interval_bytes (index.interval.bytes)",
               index_interval_bytes, "must be >= 0");
  }
  if (flush_policy != FlushPolicy::kPerWrite &&
      flush_policy != FlushPolicy::kInterval) {
    return bad("flush_policy", static_cast<int>(flush_policy),
               "is not a FlushPolicy");
  }
  if (flush_interval_ms < 1) {
    return bad("flush_interval_ms (flush.ms)", flush_interval_ms,
               "must be >= 1 ms");
  }
  return absl::OkStatus();
}

}  // namespace rtai::broker
