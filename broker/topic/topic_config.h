#pragma once
// Topic configs: Kafka config names and values, parsed into a LogConfig over
// the broker's defaults. Supported keys (Kafka names):
//   retention.ms, retention.bytes, segment.bytes, segment.ms,
//   max.message.bytes, flush.policy (per-write | interval), flush.ms,
//   index.interval.bytes, cleanup.policy (delete only).
// Anything else is rejected, so a typo never silently does nothing.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "broker/log/log_config.h"

namespace rtai::broker {

using TopicConfigs = std::map<std::string, std::string>;

// Returns `defaults` with `configs` applied. kInvalidArgument naming the key
// for an unknown key, an unparsable value or one out of range.
absl::StatusOr<LogConfig> ApplyTopicConfigs(const LogConfig& defaults,
                                            const TopicConfigs& configs);

// Range checks on a whole LogConfig (also for broker defaults), with
// messages that use the Kafka config names.
absl::Status ValidateLogConfig(const LogConfig& config);

// "per-write" / "interval" <-> FlushPolicy.
absl::StatusOr<FlushPolicy> ParseFlushPolicy(const std::string& value);
const char* FlushPolicyName(FlushPolicy policy);

}  // namespace rtai::broker
