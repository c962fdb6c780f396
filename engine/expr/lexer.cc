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

namespace {

// Lexes a number at src[*i]; advances *i.
absl::StatusOr<Token> LexNumber(std::string_view src, size_t* i) {
  const auto pos = static_cast<uint32_t>(*i);
  size_t j = *i;
  bool is_double = false;
  while (j < src.size() && IsDigit(src[j])) ++j;
  if (j < src.size() && src[j] == '.') {
    is_double = true;
    ++j;
    while (j < src.size() && IsDigit(src[j])) ++j;
  }
  if (j < src.size() && (src[j] == 'e' || src[j] == 'E')) {
    is_double = true;
    ++j;
    if (j < src.size() && (src[j] == '+' || src[j] == '-')) ++j;
    if (j >= src.size() || !IsDigit(src[j]))
      return ErrorAt(pos, "malformed number");
    while (j < src.size() && IsDigit(src[j])) ++j;
  }
  if (j < src.size() && IsIdentStart(src[j]))
    return ErrorAt(pos, "malformed number");
  *i = j;
  return Token{is_double ? TokenKind::kDouble : TokenKind::kInt,
               std::string(src.substr(pos, j - pos)), pos};
}

// Lexes a 'string' or `identifier` (the quote doubled inside); advances *i.
absl::StatusOr<Token> LexQuoted(std::string_view src, size_t* i) {
  const auto pos = static_cast<uint32_t>(*i);
  const char q = src[*i];
  std::string text;
  size_t j = *i + 1;
  while (true) {
    if (j >= src.size()) {
      return ErrorAt(pos, q == '\'' ? "unterminated string literal"
                                    : "unterminated quoted identifier");
    }
    if (src[j] == q) {
      if (j + 1 < src.size() && src[j + 1] == q) {  // doubled = escaped
        text.push_back(q);
        j += 2;
        continue;
      }
      ++j;
      break;
    }
    text.push_back(src[j++]);
  }
  if (q == '`' && text.empty()) return ErrorAt(pos, "empty quoted identifier");
  *i = j;
  return Token{q == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent,
               std::move(text), pos};
}

// Lexes an operator or punctuation; advances *i.
absl::StatusOr<Token> LexOperator(std::string_view src, size_t* i) {
  const auto pos = static_cast<uint32_t>(*i);
  const char c = src[*i];
  const char next = *i + 1 < src.size() ? src[*i + 1] : '\0';
  TokenKind kind;
  size_t len = 1;
  switch (c) {
    case '(':
      kind = TokenKind::kLParen;
      break;
    case ')':
      kind = TokenKind::kRParen;
      break;
    case ',':
      kind = TokenKind::kComma;
      break;
    case '+':
      kind = TokenKind::kPlus;
      break;
    case '-':
      kind = TokenKind::kMinus;
      break;
    case '*':
      kind = TokenKind::kStar;
      break;
    case '/':
      kind = TokenKind::kSlash;
      break;
    case '%':
      kind = TokenKind::kPercent;
      break;
    case '=':
      kind = TokenKind::kEq;
      if (next == '=') len = 2;
      break;
    case '!':
      if (next != '=')
        return ErrorAt(pos, "unexpected character '!' (use `not` or !=)");
      kind = TokenKind::kNe;
      len = 2;
      break;
    case '<':
      kind = next == '='   ? TokenKind::kLe
             : next == '>' ? TokenKind::kNe
                           : TokenKind::kLt;
      if (next == '=' || next == '>') len = 2;
      break;
    case '>':
      kind = next == '=' ? TokenKind::kGe : TokenKind::kGt;
      if (next == '=') len = 2;
      break;
    default: {
      const auto u = static_cast<unsigned char>(c);
      return ErrorAt(
          pos,
          u >= 0x20 && u < 0x7F
              ? absl::StrCat("unexpected character '", std::string(1, c), "'")
              : absl::StrCat("unexpected byte 0x", absl::Hex(u)));
    }
  }
  *i += len;
  return Token{kind, std::string(src.substr(pos, len)), pos};
}

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view src,
                                            const ExprLimits& limits) {
  if (src.size() > limits.max_source_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("expression of ", src.size(),
                     " bytes exceeds the limit of ", limits.max_source_bytes));
  }
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < src.size() && (src[i] == ' ' || src[i] == '\t' ||
                              src[i] == '\n' || src[i] == '\r')) {
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
    absl::StatusOr<Token> t;
    if (IsDigit(c) || (c == '.' && i + 1 < src.size() && IsDigit(src[i + 1]))) {
      t = LexNumber(src, &i);
    } else if (IsIdentStart(c)) {
      while (i < src.size() && (IsIdentStart(src[i]) || IsDigit(src[i]))) ++i;
      t = Token{TokenKind::kIdent, std::string(src.substr(pos, i - pos)), pos};
    } else if (c == '\'' || c == '`') {
      t = LexQuoted(src, &i);
    } else {
      t = LexOperator(src, &i);
    }
    if (!t.ok()) return t.status();
    out.push_back(std::move(*t));
  }
}

}  // namespace rtai::engine::expr
