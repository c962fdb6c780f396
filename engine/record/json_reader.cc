#include "engine/record/json_reader.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/record/text_parse.h"

namespace rtai::engine {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Advances over string bytes that need no attention (not '"', '\\' or a
// control character), 8 at a time (SWAR), and returns the new position.
size_t SkipPlainStringBytes(std::string_view in, size_t pos) {
  constexpr uint64_t kOnes = 0x0101010101010101ull,
                     kHighs = 0x8080808080808080ull;
  while (in.size() - pos >= 8) {
    uint64_t w;
    std::memcpy(&w, in.data() + pos, 8);
    const uint64_t quote = w ^ (kOnes * '"');
    const uint64_t backslash = w ^ (kOnes * '\\');
    // A byte is "special" if it is zero in quote/backslash or below 0x20.
    const uint64_t special = ((quote - kOnes) & ~quote) |
                             ((backslash - kOnes) & ~backslash) |
                             ((w - kOnes * 0x20) & ~w);
    if (special & kHighs) break;
    pos += 8;
  }
  return pos;
}

}  // namespace

std::string_view JsonKindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kObject:
      return "object";
    case JsonKind::kArray:
      return "array";
    case JsonKind::kString:
      return "string";
    case JsonKind::kNumber:
      return "number";
    case JsonKind::kBool:
      return "bool";
    case JsonKind::kNull:
      return "null";
    case JsonKind::kInvalid:
      return "invalid";
  }
  return "invalid";
}

absl::Status JsonReader::Error(std::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("json: ", std::string(what), " at byte ", pos_));
}

void JsonReader::SkipWhitespace() {
  while (pos_ < in_.size()) {
    const char c = in_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

bool JsonReader::Consume(char c) {
  SkipWhitespace();
  if (pos_ < in_.size() && in_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

JsonKind JsonReader::PeekKind() {
  SkipWhitespace();
  if (pos_ >= in_.size()) return JsonKind::kInvalid;
  const char c = in_[pos_];
  if (c == '{') return JsonKind::kObject;
  if (c == '[') return JsonKind::kArray;
  if (c == '"') return JsonKind::kString;
  if (c == 't' || c == 'f') return JsonKind::kBool;
  if (c == 'n') return JsonKind::kNull;
  if (c == '-' || IsDigit(c)) return JsonKind::kNumber;
  return JsonKind::kInvalid;
}

absl::Status JsonReader::ReadEscape(std::string* scratch) {
  // pos_ is just after the backslash.
  if (pos_ >= in_.size()) return Error("unterminated escape");
  const char e = in_[pos_++];
  switch (e) {
    case '"':
      scratch->push_back('"');
      return absl::OkStatus();
    case '\\':
      scratch->push_back('\\');
      return absl::OkStatus();
    case '/':
      scratch->push_back('/');
      return absl::OkStatus();
    case 'b':
      scratch->push_back('\b');
      return absl::OkStatus();
    case 'f':
      scratch->push_back('\f');
      return absl::OkStatus();
    case 'n':
      scratch->push_back('\n');
      return absl::OkStatus();
    case 'r':
      scratch->push_back('\r');
      return absl::OkStatus();
    case 't':
      scratch->push_back('\t');
      return absl::OkStatus();
    case 'u':
      break;
    default:
      return Error("invalid escape");
  }
  auto read_hex4 = [&](uint32_t* cp) {
    if (in_.size() - pos_ < 4) return false;
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = HexValue(in_[pos_ + i]);
      if (h < 0) return false;
      *cp = (*cp << 4) | static_cast<uint32_t>(h);
    }
    pos_ += 4;
    return true;
  };
  uint32_t cp;
  if (!read_hex4(&cp)) return Error("invalid \\u escape");
  if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("unpaired low surrogate");
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t lo;
    if (in_.substr(pos_, 2) != "\\u") return Error("unpaired high surrogate");
    pos_ += 2;
    if (!read_hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) {
      return Error("unpaired high surrogate");
    }
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  AppendUtf8(cp, scratch);
  return absl::OkStatus();
}

absl::Status JsonReader::ReadString(std::string* scratch,
                                    std::string_view* out) {
  SkipWhitespace();
  if (pos_ >= in_.size() || in_[pos_] != '"') return Error("expected string");
  const size_t start = ++pos_;
  bool escaped = false;
  while (true) {
    if (!escaped) pos_ = SkipPlainStringBytes(in_, pos_);
    if (pos_ >= in_.size()) return Error("unterminated string");
    const char c = in_[pos_];
    if (c == '"') break;
    if (static_cast<unsigned char>(c) < 0x20)
      return Error("unescaped control character in string");
    if (c == '\\') {
      if (!escaped) scratch->assign(in_.data() + start, pos_ - start);
      escaped = true;
      ++pos_;
      absl::Status s = ReadEscape(scratch);
      if (!s.ok()) return s;
      continue;
    }
    if (escaped) scratch->push_back(c);
    ++pos_;
  }
  std::string_view raw = in_.substr(start, pos_ - start);
  ++pos_;  // closing quote
  *out = escaped ? std::string_view(*scratch) : raw;
  if (!IsValidUtf8(*out)) return Error("string is not valid UTF-8");
  return absl::OkStatus();
}

absl::Status JsonReader::ReadNumber(std::string_view* text, bool* is_integer) {
  SkipWhitespace();
  const size_t start = pos_;
  auto digits = [&] {
    const size_t d = pos_;
    while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
    return pos_ - d;
  };
  if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
  const size_t int_start = pos_;
  const size_t n = digits();
  if (n == 0) return Error("invalid number");
  if (n > 1 && in_[int_start] == '0') return Error("number has a leading zero");
  *is_integer = true;
  if (pos_ < in_.size() && in_[pos_] == '.') {
    ++pos_;
    *is_integer = false;
    if (digits() == 0) return Error("invalid number");
  }
  if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
    ++pos_;
    *is_integer = false;
    if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
    if (digits() == 0) return Error("invalid number");
  }
  *text = in_.substr(start, pos_ - start);
  return absl::OkStatus();
}

absl::Status JsonReader::ReadLiteral(std::string_view word) {
  SkipWhitespace();
  if (in_.substr(pos_, word.size()) != word) return Error("invalid literal");
  pos_ += word.size();
  return absl::OkStatus();
}

absl::Status JsonReader::ReadBool(bool* out) {
  SkipWhitespace();
  *out = pos_ < in_.size() && in_[pos_] == 't';
  return ReadLiteral(*out ? "true" : "false");
}

absl::Status JsonReader::ReadNull() { return ReadLiteral("null"); }

absl::Status JsonReader::SkipValue() {
  // Iterative: `depth` open containers; after each element, expect ',' or
  // the closer of the innermost container, which `stack` remembers as bits
  // (1 = object) up to max_depth_ <= 64 levels.
  uint64_t stack = 0;
  int depth = 0;
  std::string scratch;
  std::string_view ignored;
  while (true) {
    // Expecting a value (object members are preceded by "key":).
    switch (PeekKind()) {
      case JsonKind::kObject:
      case JsonKind::kArray: {
        const bool is_object = in_[pos_] == '{';
        if (depth >= max_depth_ || depth >= 64)
          return Error("nesting too deep");
        ++pos_;
        stack = (stack << 1) | (is_object ? 1 : 0);
        ++depth;
        if (Consume(is_object ? '}' : ']')) {
          stack >>= 1;
          --depth;
          break;
        }
        if (is_object) {
          absl::Status s = ReadString(&scratch, &ignored);
          if (!s.ok()) return s;
          if (!Consume(':')) return Error("expected ':'");
        }
        continue;
      }
      case JsonKind::kString: {
        absl::Status s = ReadString(&scratch, &ignored);
        if (!s.ok()) return s;
        break;
      }
      case JsonKind::kNumber: {
        bool is_int;
        absl::Status s = ReadNumber(&ignored, &is_int);
        if (!s.ok()) return s;
        break;
      }
      case JsonKind::kBool: {
        bool b;
        absl::Status s = ReadBool(&b);
        if (!s.ok()) return s;
        break;
      }
      case JsonKind::kNull: {
        absl::Status s = ReadNull();
        if (!s.ok()) return s;
        break;
      }
      case JsonKind::kInvalid:
        return Error(AtEnd() ? "unexpected end of input"
                             : "unexpected character");
    }
    // A value is complete: close containers or move to the next element.
    while (depth > 0) {
      const bool in_object = stack & 1;
      if (Consume(',')) {
        if (in_object) {
          absl::Status s = ReadString(&scratch, &ignored);
          if (!s.ok()) return s;
          if (!Consume(':')) return Error("expected ':'");
        }
        break;
      }
      if (!Consume(in_object ? '}' : ']'))
        return Error("expected ',' or closing bracket");
      stack >>= 1;
      --depth;
    }
    if (depth == 0) return absl::OkStatus();
  }
}

}  // namespace rtai::engine
