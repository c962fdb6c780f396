#pragma once
// Lexer for the expression language (docs/ENGINE.md, "Expressions").
// Produces the whole token list up front; bounded by ExprLimits.
// Keywords (and, or, not, is, null, true, false, cast, as) come out as
// kIdent and are recognised case-insensitively by the parser; a backquoted
// identifier (`my col`) is kQuotedIdent and is never a keyword.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/expr/limits.h"

namespace rtai::engine::expr {

enum class TokenKind : uint8_t {
  kEnd,
  kInt,     // digits (text without sign)
  kDouble,  // digits with '.' and/or exponent
  kString,  // 'text' with '' for a quote; text holds the unescaped value
  kIdent,
  kQuotedIdent,  // `name`; text holds the name
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
};

struct Token {
  TokenKind kind;
  std::string text;
  uint32_t pos;  // byte offset of the token's first character
};

// Tokenises `source`. Errors (kInvalidArgument) name the 1-based column:
// "column 7: unterminated string literal".
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view source,
                                            const ExprLimits& limits);

// "column N: <what>" as kInvalidArgument; `pos` is a 0-based byte offset.
absl::Status ErrorAt(uint32_t pos, std::string_view what);

}  // namespace rtai::engine::expr
