#include "engine/record/text_parse.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "engine/record/absl_compat.h"

namespace rtai::engine {

bool ParseInt64Text(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  const char* begin = s.data();
  if (*begin == '+') return false;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDoubleText(std::string_view s, double* out) {
  if (s.empty() || s.size() > 400) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' ||
                    c == '.' || c == 'e' || c == 'E';
    if (!ok) return false;  // rejects nan, inf, hex
  }
  if (s[0] == '+') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out,
                                   std::chars_format::general);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseBoolText(std::string_view s, bool allow_digits, bool* out) {
  auto eq = [&](std::string_view w) {
    if (s.size() != w.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      if ((s[i] | 0x20) != w[i]) return false;
    }
    return true;
  };
  if (eq("true")) return *out = true, true;
  if (eq("false")) return *out = false, true;
  if (allow_digits && s == "1") return *out = true, true;
  if (allow_digits && s == "0") return *out = false, true;
  return false;
}

bool ParseTimestampText(std::string_view s, int64_t* out) {
  if (ParseInt64Text(s, out)) return true;
  if (s.size() < 10 || s.size() > 64) return false;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, ToAbsl(s), &t, &err)) return false;
  *out = absl::ToUnixMillis(t);
  return true;
}

bool DecodeBase64Text(std::string_view s, std::string* out) {
  return absl::Base64Unescape(ToAbsl(s), out);
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Fast path: 8 ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0)
      n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      n = 3, cp = c & 0x07;
    else
      return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace rtai::engine
