// Strict, bounded UBJSON (draft 12) reader, as XGBoost 1.7 writes `.ubj`:
// big-endian numbers, optimized containers ([$type#count and [#count).

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "engine/ml/model/json_value.h"

namespace rtai::ml {
namespace {

class UbjsonReader {
 public:
  UbjsonReader(absl::string_view data, const JsonLimits& limits)
      : data_(data), limits_(limits) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    if (data_.size() > limits_.max_input_bytes) {
      return absl::InvalidArgumentError(
          "ubjson: input exceeds max_input_bytes");
    }
    JsonValue v;
    char marker;
    if (auto s = ReadMarker(&marker); !s.ok()) return s;
    if (auto s = ParseTyped(marker, 0, &v); !s.ok()) return s;
    if (pos_ != data_.size()) return Error("trailing bytes");
    return v;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("ubjson: ", what, " at byte ", pos_));
  }
  absl::Status Need(size_t n) const {
    if (data_.size() - pos_ < n) return Error("truncated input");
    return absl::OkStatus();
  }
  absl::Status ReadMarker(char* c) {
    // 'N' is a no-op marker allowed between values.
    for (;;) {
      if (auto s = Need(1); !s.ok()) return s;
      *c = data_[pos_++];
      if (*c != 'N') return absl::OkStatus();
    }
  }
  absl::Status CountValue() {
    if (++values_ > limits_.max_values) return Error("too many values");
    return absl::OkStatus();
  }

  // Reads an integer of the given type marker (for lengths and counts).
  absl::Status ReadInt(char type, int64_t* out) {
    const char* p = data_.data() + pos_;
    size_t n;
    switch (type) {
      case 'i':
        n = 1;
        break;
      case 'U':
        n = 1;
        break;
      case 'I':
        n = 2;
        break;
      case 'l':
        n = 4;
        break;
      case 'L':
        n = 8;
        break;
      default:
        return Error("expected an integer type");
    }
    if (auto s = Need(n); !s.ok()) return s;
    switch (type) {
      case 'i':
        *out = static_cast<int8_t>(*p);
        break;
      case 'U':
        *out = static_cast<uint8_t>(*p);
        break;
      case 'I':
        *out = LoadBigEndian<int16_t>(p);
        break;
      case 'l':
        *out = LoadBigEndian<int32_t>(p);
        break;
      default:
        *out = LoadBigEndian<int64_t>(p);
        break;
    }
    pos_ += n;
    return absl::OkStatus();
  }

  absl::Status ReadLength(uint64_t max, uint64_t* out) {
    char type;
    if (auto s = ReadMarker(&type); !s.ok()) return s;
    int64_t n = 0;
    if (auto s = ReadInt(type, &n); !s.ok()) return s;
    if (n < 0) return Error("negative length");
    if (static_cast<uint64_t>(n) > max) return Error("length exceeds limit");
    *out = static_cast<uint64_t>(n);
    return absl::OkStatus();
  }

  absl::Status ReadStringBody(std::string* s) {
    uint64_t n;
    if (auto st = ReadLength(limits_.max_string_bytes, &n); !st.ok()) return st;
    if (auto st = Need(n); !st.ok()) return st;
    s->assign(data_.data() + pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

  absl::Status ParseFloat(size_t n, JsonValue* out) {
    if (auto s = Need(n); !s.ok()) return s;
    double d;
    if (n == 4) {
      const uint32_t bits = LoadBigEndian<uint32_t>(data_.data() + pos_);
      float f;
      std::memcpy(&f, &bits, 4);
      d = f;
    } else {
      const uint64_t bits = LoadBigEndian<uint64_t>(data_.data() + pos_);
      std::memcpy(&d, &bits, 8);
    }
    pos_ += n;
    if (!std::isfinite(d)) return Error("non-finite number");
    *out = JsonValue::Number(d);
    return absl::OkStatus();
  }

  absl::Status ParseHighPrecision(JsonValue* out) {
    std::string s;
    if (auto st = ReadStringBody(&s); !st.ok()) return st;
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) {
      return Error("bad high-precision number");
    }
    *out = JsonValue::Number(d);
    return absl::OkStatus();
  }

  // Parses one value whose type marker has been read.
  absl::Status ParseTyped(char type, int depth, JsonValue* out) {
    if (auto s = CountValue(); !s.ok()) return s;
    switch (type) {
      case 'Z':
        *out = JsonValue::Null();
        return absl::OkStatus();
      case 'T':
        *out = JsonValue::Bool(true);
        return absl::OkStatus();
      case 'F':
        *out = JsonValue::Bool(false);
        return absl::OkStatus();
      case 'i':
      case 'U':
      case 'I':
      case 'l':
      case 'L': {
        int64_t v = 0;
        if (auto s = ReadInt(type, &v); !s.ok()) return s;
        *out = JsonValue::Number(static_cast<double>(v));
        return absl::OkStatus();
      }
      case 'd':
        return ParseFloat(4, out);
      case 'D':
        return ParseFloat(8, out);
      case 'H':
        return ParseHighPrecision(out);
      case 'C': {
        if (auto s = Need(1); !s.ok()) return s;
        *out = JsonValue::String(std::string(1, data_[pos_++]));
        return absl::OkStatus();
      }
      case 'S': {
        std::string s;
        if (auto st = ReadStringBody(&s); !st.ok()) return st;
        *out = JsonValue::String(std::move(s));
        return absl::OkStatus();
      }
      case '[':
      case '{':
        if (depth >= limits_.max_depth)
          return Error("nesting exceeds max_depth");
        return ParseContainer(type == '{', depth + 1, out);
      default:
        return Error(absl::StrCat("unknown type marker 0x",
                                  absl::Hex(static_cast<uint8_t>(type))));
    }
  }

  // Optional "$type" and "#count" header of an optimized container.
  absl::Status ParseContainerHeader(char* elem_type, int64_t* count) {
    *elem_type = 0;
    *count = -1;
    if (auto s = Need(1); !s.ok()) return s;
    if (data_[pos_] == '$') {
      ++pos_;
      if (auto s = Need(1); !s.ok()) return s;
      *elem_type = data_[pos_++];
      if (auto s = Need(1); !s.ok()) return s;
      if (data_[pos_] != '#') return Error("'$' without '#'");
    }
    if (data_[pos_] == '#') {
      ++pos_;
      uint64_t n;
      if (auto s = ReadLength(limits_.max_values, &n); !s.ok()) return s;
      // Every element takes at least one byte unless the type is marker-only.
      const bool zero_width = *elem_type == 'Z' || *elem_type == 'T' ||
                              *elem_type == 'F' || *elem_type == 'N';
      if (zero_width) return Error("typed container of zero-width values");
      if (n > data_.size() - pos_) return Error("count exceeds input");
      *count = static_cast<int64_t>(n);
    }
    return absl::OkStatus();
  }

  absl::Status ParseElement(char elem_type, int depth, JsonValue* v) {
    char type = elem_type;
    if (type == 0) {
      if (auto s = ReadMarker(&type); !s.ok()) return s;
    }
    return ParseTyped(type, depth, v);
  }

  absl::Status ParseContainer(bool is_object, int depth, JsonValue* out) {
    *out = is_object ? JsonValue::Object() : JsonValue::Array();
    char elem_type;
    int64_t count;
    if (auto s = ParseContainerHeader(&elem_type, &count); !s.ok()) return s;
    const char close = is_object ? '}' : ']';
    absl::flat_hash_set<std::string> seen;  // duplicate keys, O(1) each
    for (int64_t i = 0; count < 0 || i < count; ++i) {
      if (count < 0) {
        if (auto s = Need(1); !s.ok()) return s;
        if (data_[pos_] == close) {
          ++pos_;
          return absl::OkStatus();
        }
      }
      std::string key;
      if (is_object) {
        if (auto s = ReadStringBody(&key); !s.ok()) return s;
      }
      JsonValue v;
      if (auto s = ParseElement(elem_type, depth, &v); !s.ok()) return s;
      if (!is_object) {
        out->Append(std::move(v));
      } else if (!seen.insert(key).second) {
        return Error("duplicate key");
      } else {
        out->AppendMember(std::move(key), std::move(v));
      }
    }
    return absl::OkStatus();
  }

  absl::string_view data_;
  const JsonLimits& limits_;
  size_t pos_ = 0;
  uint64_t values_ = 0;
};

}  // namespace

absl::StatusOr<JsonValue> ParseUbjson(absl::string_view bytes,
                                      const JsonLimits& limits) {
  return UbjsonReader(bytes, limits).ParseDocument();
}

}  // namespace rtai::ml
