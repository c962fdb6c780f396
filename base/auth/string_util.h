#pragma once
// Small std::string_view helpers for base/auth (Debian's Abseil has a
// distinct absl::string_view, so absl::StrSplit/StrCat do not take
// std::string_view directly).

#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace rtai::auth {

inline absl::string_view AV(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Splits on every `sep` (empty pieces kept).
inline std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos
                                      ? std::string_view::npos
                                      : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

}  // namespace rtai::auth
