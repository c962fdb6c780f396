#pragma once
// Topic name rules, as Kafka's: 1..249 characters of [a-zA-Z0-9._-], and
// neither "." nor "..". Names become directory names under
// <data_dir>/topics/, which these rules keep safe.

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rtai::broker {

inline constexpr size_t kMaxTopicNameLength = 249;

// OK, or kInvalidArgument saying which rule the name breaks.
absl::Status ValidateTopicName(absl::string_view name);

}  // namespace rtai::broker
