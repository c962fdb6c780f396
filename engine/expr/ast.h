#pragma once
// The expression AST as a flat array of nodes. Children always have smaller
// indices than their parent (the parser builds bottom-up), so the type
// checker and compiler walk the array in index order, with no recursion at
// all; the root is the last node.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/record/type.h"
#include "engine/record/value.h"

namespace rtai::engine::expr {

enum class NodeKind : uint8_t {
  kLiteral,    // literal
  kColumn,     // name
  kNeg,        // args[0]
  kNot,        // args[0]
  kBinary,     // op, args[0], args[1]
  kIsNull,     // args[0]
  kIsNotNull,  // args[0]
  kCall,       // name (lower-case), args
  kCast,       // args[0], cast_to
};

enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
};

// "+", "-", ..., "and", "or".
const char* BinaryOpName(BinaryOp op);
inline bool IsComparison(BinaryOp op) {
  return op >= BinaryOp::kEq && op <= BinaryOp::kGe;
}
inline bool IsArithmetic(BinaryOp op) { return op <= BinaryOp::kMod; }

struct Node {
  NodeKind kind;
  BinaryOp op = BinaryOp::kAdd;
  TypeId cast_to = TypeId::kNull;
  uint32_t pos = 0;        // 0-based byte offset in the source
  uint32_t first_arg = 0;  // into Ast::args
  uint32_t num_args = 0;
  Value literal;     // kLiteral; strings point into Ast::strings
  std::string name;  // kColumn, kCall
};

struct Ast {
  std::vector<Node> nodes;  // root = nodes.back()
  std::vector<uint32_t> args;
  std::vector<std::unique_ptr<std::string>> strings;  // literal storage

  uint32_t arg(const Node& n, uint32_t i) const {
    return args[n.first_arg + i];
  }
};

}  // namespace rtai::engine::expr
