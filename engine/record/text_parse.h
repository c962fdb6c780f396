#pragma once
// Strict parsing of scalar field text, shared by the JSON and CSV decoders
// and by casts in expressions. Each returns false on anything that is not
// exactly a value of the type (no leading/trailing spaces, no partial parse).

#include <cstdint>
#include <string>
#include <string_view>

namespace rtai::engine {

// Optional '-', decimal digits, fits int64.
bool ParseInt64Text(std::string_view s, int64_t* out);
// A finite decimal or exponent number ("1", "-2.5", "1e3"); no nan/inf/hex.
bool ParseDoubleText(std::string_view s, double* out);
// "true"/"false" (any case), and with `allow_digits` also "1"/"0".
bool ParseBoolText(std::string_view s, bool allow_digits, bool* out);
// Milliseconds since the epoch as an integer, or an RFC 3339 date-time
// ("2024-01-02T03:04:05.678Z", offsets allowed), truncated to ms.
bool ParseTimestampText(std::string_view s, int64_t* out);
// Standard base64 (with or without padding) into `out`.
bool DecodeBase64Text(std::string_view s, std::string* out);
// Well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Number of code points in well-formed UTF-8 (counts lead bytes).
size_t Utf8Length(std::string_view s);

}  // namespace rtai::engine
