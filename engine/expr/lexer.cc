#include "engine/expr/lexer.h"

#include "absl/strings/str_cat.h"

namespace rtai::engine::expr {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::Status ErrorAt(uint32_t pos, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("column ", pos + 1, ": ", std::string(what)));
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view src,
                                            const ExprLimits& limits) {
  if (src.size() > limits.max_source_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expression of ", src.size(), " bytes exceeds the limit of ",
        limits.max_source_bytes));
  }
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < src.size() && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' ||
                              src[i] == '\r')) {
      ++i;
    }
    const auto pos = static_cast<uint32_t>(i);
    if (out.size() > limits.max_nodes * 4) {
      return ErrorAt(pos, "expression has too many tokens");
    }
    if (i >= src.size()) {
      out.push_back(Token{TokenKind::kEnd, "", pos});
      return out;
    }
    const char c = src[i];
    if (IsDigit(c) || (c == '.' && i + 1 < src.size() && IsDigit(src[i + 1]))) {
      bool is_double = false;
      while (i < src.size() && IsDigit(src[i])) ++i;
      if (i < src.size() && src[i] == '.') {
        is_double = true;
        ++i;
        while (i < src.size() && IsDigit(src[i])) ++i;
      }
      if (i < src.size() && (src[i] == 'e' || src[i] == 'E')) {
        is_double = true;
        ++i;
        if (i < src.size() && (src[i] == '+' || src[i] == '-')) ++i;
        if (i >= src.size() || !IsDigit(src[i])) return ErrorAt(pos, "malformed number");
        while (i < src.size() && IsDigit(src[i])) ++i;
      }
      if (i < src.size() && IsIdentStart(src[i])) return ErrorAt(pos, "malformed number");
      out.push_back(Token{is_double ? TokenKind::kDouble : TokenKind::kInt,
                          std::string(src.substr(pos, i - pos)), pos});
      continue;
    }
    if (IsIdentStart(c)) {
      while (i < src.size() && (IsIdentStart(src[i]) || IsDigit(src[i]))) ++i;
      out.push_back(Token{TokenKind::kIdent, std::string(src.substr(pos, i - pos)), pos});
      continue;
    }
    if (c == '\'' || c == '`') {
      std::string text;
      ++i;
      while (true) {
        if (i >= src.size()) {
          return ErrorAt(pos, c == '\'' ? "unterminated string literal"
                                        : "unterminated quoted identifier");
        }
        if (src[i] == c) {
          if (i + 1 < src.size() && src[i + 1] == c) {  // doubled = escaped
            text.push_back(c);
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text.push_back(src[i++]);
      }
      if (c == '`' && text.empty()) return ErrorAt(pos, "empty quoted identifier");
      out.push_back(Token{c == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent,
                          std::move(text), pos});
      continue;
    }
    TokenKind kind;
    size_t len = 1;
    const char next = i + 1 < src.size() ? src[i + 1] : '\0';
    switch (c) {
      case '(': kind = TokenKind::kLParen; break;
      case ')': kind = TokenKind::kRParen; break;
      case ',': kind = TokenKind::kComma; break;
      case '+': kind = TokenKind::kPlus; break;
      case '-': kind = TokenKind::kMinus; break;
      case '*': kind = TokenKind::kStar; break;
      case '/': kind = TokenKind::kSlash; break;
      case '%': kind = TokenKind::kPercent; break;
      case '=':
        kind = TokenKind::kEq;
        if (next == '=') len = 2;
        break;
      case '!':
        if (next != '=') return ErrorAt(pos, "unexpected character '!' (use `not` or !=)");
        kind = TokenKind::kNe;
        len = 2;
        break;
      case '<':
        kind = next == '=' ? TokenKind::kLe : next == '>' ? TokenKind::kNe : TokenKind::kLt;
        if (next == '=' || next == '>') len = 2;
        break;
      case '>':
        kind = next == '=' ? TokenKind::kGe : TokenKind::kGt;
        if (next == '=') len = 2;
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        return ErrorAt(pos, u >= 0x20 && u < 0x7F
                                ? absl::StrCat("unexpected character '", std::string(1, c), "'")
                                : absl::StrCat("unexpected byte 0x", absl::Hex(u)));
      }
    }
    i += len;
    out.push_back(Token{kind, std::string(src.substr(pos, len)), pos});
  }
}

}  // namespace rtai::engine::expr
