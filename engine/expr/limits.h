#pragma once
// Limits on expression size, applied before and during parsing so that
// hostile input is rejected with a clear error instead of exhausting the
// stack or memory.

#include <cstddef>

namespace rtai::engine::expr {

struct ExprLimits {
  // Default: 16384 bytes of source text.
  size_t max_source_bytes = 16384;
  // Default: 64 levels of nesting (parentheses, operators, calls combined).
  int max_depth = 64;
  // Default: 2048 AST nodes.
  size_t max_nodes = 2048;
  // Default: 64 arguments per function call.
  size_t max_args = 64;
};

}  // namespace rtai::engine::expr
