#pragma once
// A compiled expression: a flat array of typed register instructions run
// top to bottom by the Expression evaluator. Register i holds the value of
// AST node i (literals are preloaded and never written); extra registers
// hold int64 -> double promotions. Every instruction is total (no errors at
// run time: bad arithmetic gives null), so evaluating all branches of
// if/and/or/coalesce eagerly gives the same result as short-circuiting, and
// the loop has no jumps. See docs/ENGINE.md ("Evaluation").

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/record/type.h"
#include "engine/record/value.h"

namespace rtai::engine::expr {

enum class Op : uint8_t {
  kLoadColumn,  // dst = row[a]
  kMove,        // dst = a
  kToDouble,    // dst = double(a)
  kNegI,
  kNegD,
  kAddI,
  kSubI,
  kMulI,
  kDivI,
  kModI,  // int64/timestamp; overflow, /0 -> null
  kAddD,
  kSubD,
  kMulD,
  kDivD,
  kModD,  // IEEE 754
  // Comparisons, one opcode per (operator, operand class), in BinaryOp
  // order (= != < <= > >=) so the compiler can add the operator's offset.
  kEqI,
  kNeI,
  kLtI,
  kLeI,
  kGtI,
  kGeI,  // int64, timestamp
  kEqD,
  kNeD,
  kLtD,
  kLeD,
  kGtD,
  kGeD,  // double
  kEqS,
  kNeS,
  kLtS,
  kLeS,
  kGtS,
  kGeS,  // string, bytes (bytewise)
  kEqB,
  kNeB,
  kLtB,
  kLeB,
  kGtB,
  kGeB,  // bool
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsNotNull,
  kIf,        // dst = a ? b : c (null condition -> c)
  kCoalesce,  // args arg_regs[a .. a+b)
  kLower,
  kUpper,
  kLength,
  kSubstr,  // substr: c = length register or kNoReg
  kConcat,  // args arg_regs[a .. a+b)
  kStartsWith,
  kContains,
  kAbsI,
  kAbsD,
  kSqrt,
  kLog,
  kExp,
  kFloor,
  kCeil,
  kRound,
  kPow,
  kMinI,
  kMaxI,
  kMinD,
  kMaxD,  // args arg_regs[a .. a+b)
  kCast,  // aux = target TypeId
};

inline constexpr uint16_t kNoReg = 0xFFFF;

struct Instr {
  Op op;
  TypeId type;  // result type (typed nulls, int64 vs timestamp results)
  uint8_t aux = 0;
  uint16_t dst = 0, a = 0, b = 0, c = 0;
};
static_assert(sizeof(Instr) == 12);

struct Program {
  std::vector<Instr> code;
  std::vector<Value> initial_registers;  // literals set, the rest null
  std::vector<uint16_t> arg_registers;   // operands of variadic instructions
  std::vector<std::unique_ptr<std::string>> strings;  // literal bytes
  uint16_t result_register = 0;
  TypeId result_type = TypeId::kNull;
  size_t row_width = 0;  // schema width the program reads
};

}  // namespace rtai::engine::expr
