#pragma once
// Parser for the expression language: precedence climbing over the token
// list. Recursion depth is bounded by ExprLimits::max_depth (every nested
// operand, parenthesis or call argument counts one level), and so is the
// depth of the resulting tree; both fail with "column N: expression nests
// deeper than 64 levels".
//
// Grammar (lowest precedence first; binary operators left-associative,
// comparisons non-associative):
//   expr    := or
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | cmp
//   cmp     := add [ ('='|'=='|'!='|'<>'|'<'|'<='|'>'|'>=') add
//                  | 'is' ['not'] 'null' ]
//   add     := mul (('+'|'-') mul)*
//   mul     := unary (('*'|'/'|'%') unary)*
//   unary   := '-' unary | primary
//   primary := INT | DOUBLE | STRING | 'true' | 'false' | 'null'
//            | IDENT | `QUOTED IDENT` | '(' expr ')'
//            | 'cast' '(' expr 'as' TYPE ')' | IDENT '(' [expr (',' expr)*] ')'

#include <string_view>

#include "absl/status/statusor.h"
#include "engine/expr/ast.h"
#include "engine/expr/limits.h"

namespace rtai::engine::expr {

// Parses `source` into an AST. Errors are kInvalidArgument "column N: ...".
absl::StatusOr<Ast> Parse(std::string_view source,
                          const ExprLimits& limits = {});

}  // namespace rtai::engine::expr
