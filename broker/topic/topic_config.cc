#include "broker/topic/topic_config.h"

#include <cstdint>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace rtai::broker {
namespace {

constexpr const char* kSupportedKeys[] = {
    "cleanup.policy",       "flush.ms",          "flush.policy",
    "index.interval.bytes", "max.message.bytes", "retention.bytes",
    "retention.ms",         "segment.bytes",     "segment.ms"};

absl::Status OutOfRange(absl::string_view key, int64_t value,
                        absl::string_view range) {
  return absl::InvalidArgumentError(
      absl::StrCat("config ", key, "=", value, " is out of range: ", range));
}

// Parses a decimal integer in [min, max].
absl::StatusOr<int64_t> ParseInt(const std::string& key,
                                 const std::string& value, int64_t min,
                                 int64_t max) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(value, &v)) {
    return absl::InvalidArgumentError(absl::StrCat("config ", key, "=\"",
                                                   absl::CHexEscape(value),
                                                   "\" is not an integer"));
  }
  if (v < min || v > max) {
    return OutOfRange(key, v,
                      absl::StrCat("must be in [", min, ", ", max, "]"));
  }
  return v;
}

absl::Status ApplyOne(const std::string& key, const std::string& value,
                      LogConfig& c) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  if (key == "retention.ms") {
    ASSIGN_OR_RETURN(c.retention_ms, ParseInt(key, value, -1, kInt64Max));
  } else if (key == "retention.bytes") {
    ASSIGN_OR_RETURN(c.retention_bytes, ParseInt(key, value, -1, kInt64Max));
  } else if (key == "segment.bytes") {
    ASSIGN_OR_RETURN(c.segment_bytes, ParseInt(key, value, 1024, kInt32Max));
  } else if (key == "segment.ms") {
    ASSIGN_OR_RETURN(c.segment_ms, ParseInt(key, value, 1, kInt64Max));
  } else if (key == "max.message.bytes") {
    ASSIGN_OR_RETURN(int64_t v, ParseInt(key, value, 0, kInt32Max));
    c.max_message_bytes = static_cast<int32_t>(v);
  } else if (key == "index.interval.bytes") {
    ASSIGN_OR_RETURN(int64_t v, ParseInt(key, value, 0, kInt32Max));
    c.index_interval_bytes = static_cast<int32_t>(v);
  } else if (key == "flush.ms") {
    ASSIGN_OR_RETURN(c.flush_interval_ms, ParseInt(key, value, 1, kInt64Max));
  } else if (key == "flush.policy") {
    ASSIGN_OR_RETURN(c.flush_policy, ParseFlushPolicy(value));
  } else if (key == "cleanup.policy") {
    if (value != "delete") {
      return absl::InvalidArgumentError(
          absl::StrCat("config cleanup.policy=\"", absl::CHexEscape(value),
                       "\" is not supported; only \"delete\" is"));
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown topic config \"", absl::CHexEscape(key),
                     "\"; supported: ", absl::StrJoin(kSupportedKeys, ", ")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FlushPolicy> ParseFlushPolicy(const std::string& value) {
  if (value == "per-write") return FlushPolicy::kPerWrite;
  if (value == "interval") return FlushPolicy::kInterval;
  return absl::InvalidArgumentError(
      absl::StrCat("flush.policy=\"", absl::CHexEscape(value),
                   "\" is invalid; use per-write or interval"));
}

const char* FlushPolicyName(FlushPolicy policy) {
  return policy == FlushPolicy::kPerWrite ? "per-write" : "interval";
}

absl::Status ValidateLogConfig(const LogConfig& c) {
  if (c.segment_bytes < 1024 ||
      c.segment_bytes > std::numeric_limits<int32_t>::max()) {
    return OutOfRange("segment.bytes", c.segment_bytes,
                      "must be in [1024, 2^31-1]");
  }
  if (c.segment_ms < 1)
    return OutOfRange("segment.ms", c.segment_ms, "must be >= 1");
  if (c.retention_ms < -1)
    return OutOfRange("retention.ms", c.retention_ms, "must be >= -1");
  if (c.retention_bytes < -1) {
    return OutOfRange("retention.bytes", c.retention_bytes, "must be >= -1");
  }
  if (c.max_message_bytes < 0) {
    return OutOfRange("max.message.bytes", c.max_message_bytes, "must be >= 0");
  }
  if (c.index_interval_bytes < 0) {
    return OutOfRange("index.interval.bytes", c.index_interval_bytes,
                      "must be >= 0");
  }
  if (c.flush_interval_ms < 1) {
    return OutOfRange("flush.ms", c.flush_interval_ms, "must be >= 1");
  }
  return c.Validate();  // the log's own rules (e.g. max.message.bytes >= 61)
}

absl::StatusOr<LogConfig> ApplyTopicConfigs(const LogConfig& defaults,
                                            const TopicConfigs& configs) {
  LogConfig config = defaults;
  for (const auto& [key, value] : configs) {
    RETURN_IF_ERROR(ApplyOne(key, value, config));
  }
  RETURN_IF_ERROR(ValidateLogConfig(config));
  return config;
}

}  // namespace rtai::broker
