#pragma once
// Debian's Abseil 20220623 has its own absl::string_view, distinct from
// std::string_view. Engine APIs use std::string_view; these convert at calls
// into Abseil.

#include <string_view>

#include "absl/strings/string_view.h"

namespace rtai::engine {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace rtai::engine
