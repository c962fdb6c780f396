#pragma once
// Type checking of a parsed expression against a Schema, at job submission.
// Walks the flat AST in index order (children first), assigning each node a
// type and resolving column references and functions. Errors are
// kInvalidArgument with the 1-based source column, e.g.
//   column 5: unknown column `pirce`
//   column 7: cannot apply `+` to string and int64
//   column 1: function substr expects 2 to 3 arguments, got 1
// Typing rules are listed in docs/ENGINE.md ("Types").

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/expr/ast.h"
#include "engine/record/schema.h"

namespace rtai::engine::expr {

enum class Function : uint8_t {
  kNone,
  kIf,
  kCoalesce,
  kLower,
  kUpper,
  kLength,
  kSubstr,
  kConcat,
  kStartsWith,
  kContains,
  kAbs,
  kSqrt,
  kLog,
  kExp,
  kFloor,
  kCeil,
  kRound,
  kMin,
  kMax,
  kPow,
};

struct CheckedAst {
  std::vector<TypeId> types;  // per node; kNull = always null
  std::vector<int> columns;   // per node: schema index for kColumn, else -1
  std::vector<Function> functions;  // per node: resolved kCall, else kNone
};

absl::StatusOr<CheckedAst> TypeCheck(const Ast& ast, const Schema& schema);

// The common type of two branches (if, coalesce, min, max): equal types,
// null with anything, int64 with double -> double. nullopt otherwise.
std::optional<TypeId> UnifyTypes(TypeId a, TypeId b);
// The result of `l op r` for arithmetic ops, or nullopt if not allowed.
std::optional<TypeId> ArithmeticType(BinaryOp op, TypeId l, TypeId r);
bool Comparable(TypeId l, TypeId r);
bool CastAllowed(TypeId from, TypeId to);

}  // namespace rtai::engine::expr
