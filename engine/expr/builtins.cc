#include "engine/expr/builtins.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/time/time.h"
#include "engine/record/absl_compat.h"
#include "engine/record/text_parse.h"

namespace rtai::engine::expr {
namespace {

Value MapAscii(std::string_view s, Arena* arena, char from, char to) {
  char* out = arena->Allocate(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    out[i] = (c >= from && c <= to) ? static_cast<char>(c ^ 0x20) : c;
  }
  return Value::String(std::string_view(out, s.size()));
}

// Byte offset of the code point with 0-based index `n` (or s.size()).
size_t CodePointOffset(std::string_view s, int64_t n) {
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == 0) return i;
      --n;
    }
  }
  return s.size();
}

Value ToStringValue(const Value& v, Arena* arena) {
  char buf[64];
  switch (v.type()) {
    case TypeId::kInt64: {
      auto r = std::to_chars(buf, buf + sizeof(buf), v.int64());
      return Value::String(arena->Copy(std::string_view(buf, r.ptr - buf)));
    }
    case TypeId::kDouble: {
      auto r = std::to_chars(buf, buf + sizeof(buf), v.dbl());
      return Value::String(arena->Copy(std::string_view(buf, r.ptr - buf)));
    }
    case TypeId::kBool:
      return Value::String(v.boolean() ? "true" : "false");
    case TypeId::kTimestamp: {
      const std::string s = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                             absl::FromUnixMillis(v.int64()),
                                             absl::UTCTimeZone());
      return Value::String(arena->Copy(s));
    }
    case TypeId::kBytes:
      if (!IsValidUtf8(v.str())) return Value::Null(TypeId::kString);
      return Value::String(v.str());
    case TypeId::kString:
      return v;
    case TypeId::kNull:
      break;
  }
  return Value::Null(TypeId::kString);
}

Value FromString(std::string_view s, TypeId to) {
  int64_t i;
  double d;
  bool b;
  switch (to) {
    case TypeId::kInt64:
      return ParseInt64Text(s, &i) ? Value::Int64(i) : Value::Null(to);
    case TypeId::kDouble:
      return ParseDoubleText(s, &d) ? Value::Double(d) : Value::Null(to);
    case TypeId::kBool:
      return ParseBoolText(s, true, &b) ? Value::Bool(b) : Value::Null(to);
    case TypeId::kTimestamp:
      return ParseTimestampText(s, &i) ? Value::Timestamp(i) : Value::Null(to);
    case TypeId::kBytes:
      return Value::Bytes(s);
    case TypeId::kString:
      return Value::String(s);
    case TypeId::kNull:
      break;
  }
  return Value::Null(to);
}

}  // namespace

Value AsciiLower(std::string_view s, Arena* arena) {
  return MapAscii(s, arena, 'A', 'Z');
}
Value AsciiUpper(std::string_view s, Arena* arena) {
  return MapAscii(s, arena, 'a', 'z');
}

std::string_view Substr(std::string_view s, int64_t start, bool has_length,
                        int64_t length) {
  if (start < 1) start = 1;
  const size_t begin = CodePointOffset(s, start - 1);
  if (!has_length) return s.substr(begin);
  if (length <= 0) return std::string_view();
  const std::string_view rest = s.substr(begin);
  return rest.substr(0, CodePointOffset(rest, length));
}

Value CastValue(const Value& v, TypeId to, Arena* arena) {
  if (v.is_null()) return Value::Null(to);
  const TypeId from = v.type();
  if (from == to) return v;
  if (to == TypeId::kString) return ToStringValue(v, arena);
  if (from == TypeId::kString || from == TypeId::kBytes)
    return FromString(v.str(), to);
  switch (from) {
    case TypeId::kInt64:
      if (to == TypeId::kDouble)
        return Value::Double(static_cast<double>(v.int64()));
      if (to == TypeId::kTimestamp) return Value::Timestamp(v.int64());
      if (to == TypeId::kBool) return Value::Bool(v.int64() != 0);
      break;
    case TypeId::kDouble: {
      const double d = v.dbl();
      // [-2^63, 2^63): the doubles whose truncation fits int64.
      if (to == TypeId::kInt64 && std::isfinite(d) && d >= -0x1p63 &&
          d < 0x1p63) {
        return Value::Int64(static_cast<int64_t>(d));
      }
      break;
    }
    case TypeId::kTimestamp:
      if (to == TypeId::kInt64) return Value::Int64(v.int64());
      break;
    case TypeId::kBool:
      if (to == TypeId::kInt64) return Value::Int64(v.boolean() ? 1 : 0);
      break;
    default:
      break;
  }
  return Value::Null(to);
}

}  // namespace rtai::engine::expr
