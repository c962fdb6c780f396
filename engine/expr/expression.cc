#include "engine/expr/expression.h"

#include <cmath>

#include "base/check.h"
#include "base/status_macros.h"
#include "engine/expr/builtins.h"
#include "engine/expr/compiler.h"
#include "engine/expr/parser.h"
#include "engine/expr/type_checker.h"
#include "engine/record/text_parse.h"

namespace rtai::engine::expr {
namespace {

inline Value IntResult(TypeId t, int64_t v) {
  return t == TypeId::kTimestamp ? Value::Timestamp(v) : Value::Int64(v);
}

// Integer division and modulo with the __builtin_*_overflow shape: true
// (-> null) for division by zero and for INT64_MIN / -1, which overflows.
// INT64_MIN % -1 is 0.
inline bool CheckedDiv(int64_t x, int64_t y, int64_t* r) {
  if (y == 0 || (x == INT64_MIN && y == -1)) return true;
  *r = x / y;
  return false;
}
inline bool CheckedMod(int64_t x, int64_t y, int64_t* r) {
  if (y == 0) return true;
  *r = y == -1 ? 0 : x % y;
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Expression>> Expression::Compile(
    std::string_view source, const Schema& schema, const ExprLimits& limits) {
  ASSIGN_OR_RETURN(Ast ast, Parse(source, limits));
  ASSIGN_OR_RETURN(CheckedAst checked, TypeCheck(ast, schema));
  return std::unique_ptr<Expression>(
      new Expression(CompileProgram(std::move(ast), checked, schema)));
}

Expression::Expression(Program program)
    : program_(std::move(program)), regs_(program_.initial_registers) {}

std::unique_ptr<Expression> Expression::Clone() const {
  Program copy;
  copy.code = program_.code;
  copy.arg_registers = program_.arg_registers;
  copy.result_register = program_.result_register;
  copy.result_type = program_.result_type;
  copy.row_width = program_.row_width;
  copy.initial_registers = program_.initial_registers;
  // Re-point string literals at the clone's own copies.
  for (Value& v : copy.initial_registers) {
    if (!v.is_null() && v.type() == TypeId::kString) {
      copy.strings.push_back(std::make_unique<std::string>(v.str()));
      v = Value::String(*copy.strings.back());
    }
  }
  return std::unique_ptr<Expression>(new Expression(std::move(copy)));
}

// One switch over all opcodes (one indirect branch per instruction); the
// common scalar opcodes are handled inline, the rest in ExecuteSlow.
// Null checks short-circuit before any operand payload is read.
#define RTAI_INT_OP(OP, BUILTIN)                                          \
  case Op::OP: {                                                          \
    const Value &a = R[in.a], &b = R[in.b];                               \
    int64_t r;                                                            \
    R[in.dst] =                                                           \
        (a.is_null() || b.is_null() || BUILTIN(a.int64(), b.int64(), &r)) \
            ? Value::Null(in.type)                                        \
            : IntResult(in.type, r);                                      \
    continue;                                                             \
  }
#define RTAI_DBL_OP(OP, EXPR)                                               \
  case Op::OP: {                                                            \
    const Value &a = R[in.a], &b = R[in.b];                                 \
    R[in.dst] = (a.is_null() || b.is_null()) ? Value::Null(TypeId::kDouble) \
                                             : Value::Double(EXPR);         \
    continue;                                                               \
  }
#define RTAI_CMP_OPS(SUFFIX, GET)   \
  RTAI_CMP_OP(kEq##SUFFIX, GET, ==) \
  RTAI_CMP_OP(kNe##SUFFIX, GET, !=) \
  RTAI_CMP_OP(kLt##SUFFIX, GET, <)  \
  RTAI_CMP_OP(kLe##SUFFIX, GET, <=) \
  RTAI_CMP_OP(kGt##SUFFIX, GET, >)  \
  RTAI_CMP_OP(kGe##SUFFIX, GET, >=)
#define RTAI_CMP_OP(OP, GET, CMP)                       \
  case Op::OP: {                                        \
    const Value &a = R[in.a], &b = R[in.b];             \
    R[in.dst] = (a.is_null() || b.is_null())            \
                    ? Value::Null(TypeId::kBool)        \
                    : Value::Bool(a.GET() CMP b.GET()); \
    continue;                                           \
  }

const Value& Expression::Evaluate(const Value* row) {
  if (arena_.bytes_used() != 0) arena_.Reset();
  Value* R = regs_.data();
  for (const Instr& in : program_.code) {
    switch (in.op) {
      case Op::kLoadColumn:  // in.a is a column index, not a register
        R[in.dst] = row[in.a];
        continue;
      case Op::kMove:
        R[in.dst] = R[in.a];
        continue;
      case Op::kToDouble: {
        const Value& a = R[in.a];
        R[in.dst] = a.is_null() ? Value::Null(TypeId::kDouble)
                                : Value::Double(static_cast<double>(a.int64()));
        continue;
      }
        RTAI_INT_OP(kAddI, __builtin_add_overflow)
        RTAI_INT_OP(kSubI, __builtin_sub_overflow)
        RTAI_INT_OP(kMulI, __builtin_mul_overflow)
        RTAI_INT_OP(kDivI, CheckedDiv)
        RTAI_INT_OP(kModI, CheckedMod)
        RTAI_DBL_OP(kAddD, a.dbl() + b.dbl())
        RTAI_DBL_OP(kSubD, a.dbl() - b.dbl())
        RTAI_DBL_OP(kMulD, a.dbl() * b.dbl())
        RTAI_DBL_OP(kDivD, a.dbl() / b.dbl())
        RTAI_DBL_OP(kModD, std::fmod(a.dbl(), b.dbl()))
        RTAI_CMP_OPS(I, int64)
        RTAI_CMP_OPS(D, dbl)
        RTAI_CMP_OPS(S, str)
        RTAI_CMP_OPS(B, boolean)
      default:
        ExecuteSlow(in);
    }
  }
  return R[program_.result_register];
}

#undef RTAI_CMP_OP
#undef RTAI_CMP_OPS
#undef RTAI_DBL_OP
#undef RTAI_INT_OP

void Expression::ExecuteSlow(const Instr& in) {
  Value* R = regs_.data();
  const Value& a = R[in.a];
  const Value& b = R[in.b];
  Value& out = R[in.dst];
  const uint16_t* args = program_.arg_registers.data() + in.a;
  switch (in.op) {
    case Op::kNegI:
      out = (a.is_null() || a.int64() == INT64_MIN) ? Value::Null(in.type)
                                                    : Value::Int64(-a.int64());
      return;
    case Op::kNegD:
      out = a.is_null() ? Value::Null(in.type) : Value::Double(-a.dbl());
      return;
    case Op::kAnd: {
      const bool a_false = !a.is_null() && !a.boolean();
      const bool b_false = !b.is_null() && !b.boolean();
      if (a_false || b_false)
        out = Value::Bool(false);
      else if (a.is_null() || b.is_null())
        out = Value::Null(TypeId::kBool);
      else
        out = Value::Bool(true);
      return;
    }
    case Op::kOr: {
      const bool a_true = !a.is_null() && a.boolean();
      const bool b_true = !b.is_null() && b.boolean();
      if (a_true || b_true)
        out = Value::Bool(true);
      else if (a.is_null() || b.is_null())
        out = Value::Null(TypeId::kBool);
      else
        out = Value::Bool(false);
      return;
    }
    case Op::kNot:
      out =
          a.is_null() ? Value::Null(TypeId::kBool) : Value::Bool(!a.boolean());
      return;
    case Op::kIsNull:
      out = Value::Bool(a.is_null());
      return;
    case Op::kIsNotNull:
      out = Value::Bool(!a.is_null());
      return;
    case Op::kIf: {
      const Value& pick = (!a.is_null() && a.boolean()) ? b : R[in.c];
      out = pick.is_null() ? Value::Null(in.type) : pick;
      return;
    }
    case Op::kCoalesce:
      out = Value::Null(in.type);
      for (uint16_t i = 0; i < in.b; ++i) {
        if (!R[args[i]].is_null()) {
          out = R[args[i]];
          break;
        }
      }
      return;
    case Op::kMinI:
    case Op::kMaxI:
    case Op::kMinD:
    case Op::kMaxD: {
      const bool is_min = in.op == Op::kMinI || in.op == Op::kMinD;
      const bool is_int = in.op == Op::kMinI || in.op == Op::kMaxI;
      Value best = R[args[0]];
      for (uint16_t i = 0; i < in.b && !best.is_null(); ++i) {
        const Value& v = R[args[i]];
        if (v.is_null()) {
          best = v;
        } else if (is_int ? (is_min ? v.int64() < best.int64()
                                    : v.int64() > best.int64())
                          : (is_min ? v.dbl() < best.dbl()
                                    : v.dbl() > best.dbl())) {
          best = v;
        }
      }
      out = best.is_null() ? Value::Null(in.type) : best;
      return;
    }
    default:
      break;
  }
  ExecuteFunction(in);
}

}  // namespace rtai::engine::expr
