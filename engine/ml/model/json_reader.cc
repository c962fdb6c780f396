// Strict, bounded JSON text reader (see json_value.h).

#include <charconv>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/ml/model/json_value.h"

namespace rtai::ml {
namespace {

class JsonReader {
 public:
  JsonReader(absl::string_view text, const JsonLimits& limits)
      : text_(text), limits_(limits) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    if (text_.size() > limits_.max_input_bytes) {
      return absl::InvalidArgumentError("json: input exceeds max_input_bytes");
    }
    JsonValue v;
    if (auto s = ParseValue(0, &v); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing characters");
    return v;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("json: ", what, " at byte ", pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeLiteral(absl::string_view lit) {
    if (text_.substr(pos_, lit.size()) == lit) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }
  absl::Status CountValue() {
    if (++values_ > limits_.max_values) return Error("too many values");
    return absl::OkStatus();
  }

  // Recursion depth is capped by limits_.max_depth, not by the data.
  absl::Status ParseValue(int depth, JsonValue* out) {
    if (auto s = CountValue(); !s.ok()) return s;
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end of input");
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= limits_.max_depth) return Error("nesting exceeds max_depth");
      return c == '{' ? ParseObject(depth + 1, out)
                      : ParseArray(depth + 1, out);
    }
    if (c == '"') {
      std::string s;
      if (auto st = ParseString(&s); !st.ok()) return st;
      *out = JsonValue::String(std::move(s));
      return absl::OkStatus();
    }
    if (ConsumeLiteral("true")) {
      *out = JsonValue::Bool(true);
    } else if (ConsumeLiteral("false")) {
      *out = JsonValue::Bool(false);
    } else if (ConsumeLiteral("null")) {
      *out = JsonValue::Null();
    } else {
      return ParseNumber(out);
    }
    return absl::OkStatus();
  }

  absl::Status ParseArray(int depth, JsonValue* out) {
    ++pos_;  // '['
    *out = JsonValue::Array();
    if (Consume(']')) return absl::OkStatus();
    while (true) {
      JsonValue item;
      if (auto s = ParseValue(depth, &item); !s.ok()) return s;
      out->Append(std::move(item));
      if (Consume(',')) continue;
      if (Consume(']')) return absl::OkStatus();
      return Error("expected ',' or ']'");
    }
  }

  absl::Status ParseObject(int depth, JsonValue* out) {
    ++pos_;  // '{'
    *out = JsonValue::Object();
    if (Consume('}')) return absl::OkStatus();
    absl::flat_hash_set<std::string> seen;  // duplicate keys, O(1) each
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Error("expected a string key");
      }
      std::string key;
      if (auto s = ParseString(&key); !s.ok()) return s;
      if (!Consume(':')) return Error("expected ':'");
      JsonValue item;
      if (auto s = ParseValue(depth, &item); !s.ok()) return s;
      if (!seen.insert(key).second) return Error("duplicate key");
      out->AppendMember(std::move(key), std::move(item));
      if (Consume(',')) continue;
      if (Consume('}')) return absl::OkStatus();
      return Error("expected ',' or '}'");
    }
  }

  absl::Status ParseHex4(uint32_t* cp) {
    if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      uint32_t d;
      if (h >= '0' && h <= '9')
        d = h - '0';
      else if (h >= 'a' && h <= 'f')
        d = h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        d = h - 'A' + 10;
      else
        return Error("bad hex digit in \\u escape");
      *cp = (*cp << 4) | d;
    }
    return absl::OkStatus();
  }

  static void AppendUtf8(uint32_t cp, std::string* s) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  absl::Status ParseEscape(std::string* s) {
    if (pos_ >= text_.size()) return Error("truncated escape");
    const char e = text_[pos_++];
    switch (e) {
      case '"':
        s->push_back('"');
        return absl::OkStatus();
      case '\\':
        s->push_back('\\');
        return absl::OkStatus();
      case '/':
        s->push_back('/');
        return absl::OkStatus();
      case 'b':
        s->push_back('\b');
        return absl::OkStatus();
      case 'f':
        s->push_back('\f');
        return absl::OkStatus();
      case 'n':
        s->push_back('\n');
        return absl::OkStatus();
      case 'r':
        s->push_back('\r');
        return absl::OkStatus();
      case 't':
        s->push_back('\t');
        return absl::OkStatus();
      case 'u':
        break;
      default:
        return Error("bad escape");
    }
    uint32_t cp;
    if (auto st = ParseHex4(&cp); !st.ok()) return st;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (!ConsumeLiteral("\\u")) return Error("lone high surrogate");
      uint32_t lo;
      if (auto st = ParseHex4(&lo); !st.ok()) return st;
      if (lo < 0xDC00 || lo > 0xDFFF) return Error("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    AppendUtf8(cp, s);
    return absl::OkStatus();
  }

  absl::Status ParseString(std::string* s) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return Error("unterminated string");
      if (s->size() > limits_.max_string_bytes) {
        return Error("string exceeds max_string_bytes");
      }
      const unsigned char c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return absl::OkStatus();
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        if (auto st = ParseEscape(s); !st.ok()) return st;
      } else {
        s->push_back(static_cast<char>(c));
      }
    }
  }

  absl::Status ParseNumber(JsonValue* out) {
    // Validate the RFC 8259 number grammar, then convert with from_chars.
    const size_t start = pos_;
    auto digit = [&](size_t p) {
      return p < text_.size() && text_[p] >= '0' && text_[p] <= '9';
    };
    size_t p = pos_;
    if (p < text_.size() && text_[p] == '-') ++p;
    if (!digit(p)) return Error("invalid value");
    if (text_[p] == '0') {
      ++p;
    } else {
      while (digit(p)) ++p;
    }
    if (p < text_.size() && text_[p] == '.') {
      ++p;
      if (!digit(p)) return Error("digit expected after '.'");
      while (digit(p)) ++p;
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
      ++p;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (!digit(p)) return Error("digit expected in exponent");
      while (digit(p)) ++p;
    }
    double d = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + p, d);
    if (ec != std::errc() || end != text_.data() + p || !std::isfinite(d)) {
      return Error("number out of range");
    }
    pos_ = p;
    *out = JsonValue::Number(d);
    return absl::OkStatus();
  }

  absl::string_view text_;
  const JsonLimits& limits_;
  size_t pos_ = 0;
  uint64_t values_ = 0;
};

}  // namespace

absl::StatusOr<JsonValue> ParseJson(absl::string_view text,
                                    const JsonLimits& limits) {
  return JsonReader(text, limits).ParseDocument();
}

}  // namespace rtai::ml
