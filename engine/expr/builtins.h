#pragma once
// The run-time semantics of the expression instructions that are not simple
// arithmetic: string functions, math functions with domain checks, casts.
// All total: bad input gives null, never an error or a crash. Strings are
// written to `arena` (valid until the caller resets it).

#include <cstdint>
#include <string_view>

#include "engine/record/arena.h"
#include "engine/record/value.h"

namespace rtai::engine::expr {

// ASCII-only case mapping (other bytes unchanged).
Value AsciiLower(std::string_view s, Arena* arena);
Value AsciiUpper(std::string_view s, Arena* arena);
// SQL SUBSTR over code points: 1-based `start` (values < 1 count as 1),
// at most `length` code points (negative -> empty; has_length false -> to the
// end). Returns a view into `s`.
std::string_view Substr(std::string_view s, int64_t start, bool has_length,
                        int64_t length);
// Converts a non-null `v` to `to` as `cast(v as to)` does; null when the
// value does not convert (unparsable string, out-of-range double).
Value CastValue(const Value& v, TypeId to, Arena* arena);

}  // namespace rtai::engine::expr
