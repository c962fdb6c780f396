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

template <typename T>
inline bool Compare(uint8_t kind, const T& a, const T& b) {
  switch (kind) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return a < b;
    case 3: return a <= b;
    case 4: return a > b;
    default: return a >= b;
  }
}

// The arithmetic instructions: int64 overflow and division by zero give
// null; doubles follow IEEE 754.
[[gnu::always_inline]] inline void Arithmetic(const Instr& in, const Value& a,
                                              const Value& b, Value* out) {
  if (a.is_null() || b.is_null()) {
    *out = Value::Null(in.type);
    return;
  }
  int64_t r;
  switch (in.op) {
    case Op::kAddI:
      *out = __builtin_add_overflow(a.int64(), b.int64(), &r) ? Value::Null(in.type)
                                                              : IntResult(in.type, r);
      return;
    case Op::kSubI:
      *out = __builtin_sub_overflow(a.int64(), b.int64(), &r) ? Value::Null(in.type)
                                                              : IntResult(in.type, r);
      return;
    case Op::kMulI:
      *out = __builtin_mul_overflow(a.int64(), b.int64(), &r) ? Value::Null(in.type)
                                                              : IntResult(in.type, r);
      return;
    case Op::kDivI:
    case Op::kModI: {
      const int64_t x = a.int64(), y = b.int64();
      if (y == 0 || (x == INT64_MIN && y == -1)) {
        *out = in.op == Op::kModI && y == -1 ? Value::Int64(0) : Value::Null(in.type);
      } else {
        *out = Value::Int64(in.op == Op::kDivI ? x / y : x % y);
      }
      return;
    }
    case Op::kAddD: *out = Value::Double(a.dbl() + b.dbl()); return;
    case Op::kSubD: *out = Value::Double(a.dbl() - b.dbl()); return;
    case Op::kMulD: *out = Value::Double(a.dbl() * b.dbl()); return;
    case Op::kDivD: *out = Value::Double(a.dbl() / b.dbl()); return;
    default: *out = Value::Double(std::fmod(a.dbl(), b.dbl())); return;
  }
}

[[gnu::always_inline]] inline void Comparison(const Instr& in, const Value& a,
                                              const Value& b, Value* out) {
  if (a.is_null() || b.is_null()) {
    *out = Value::Null(TypeId::kBool);
    return;
  }
  bool r;
  switch (in.op) {
    case Op::kCmpI: r = Compare(in.aux, a.int64(), b.int64()); break;
    case Op::kCmpD: r = Compare(in.aux, a.dbl(), b.dbl()); break;
    case Op::kCmpS: r = Compare(in.aux, a.str(), b.str()); break;
    default: r = Compare(in.aux, a.boolean(), b.boolean()); break;
  }
  *out = Value::Bool(r);
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

const Value& Expression::Evaluate(const Value* row) {
  if (arena_.bytes_used() != 0) arena_.Reset();
  Value* R = regs_.data();
  for (const Instr& in : program_.code) {
    if (in.op == Op::kLoadColumn) {  // in.a is a column index, not a register
      R[in.dst] = row[in.a];
      continue;
    }
    const Value& a = R[in.a];
    switch (in.op) {
      case Op::kMove:
        R[in.dst] = a;
        continue;
      case Op::kToDouble:
        R[in.dst] = a.is_null() ? Value::Null(TypeId::kDouble)
                                : Value::Double(static_cast<double>(a.int64()));
        continue;
      default:
        break;
    }
    if (in.op >= Op::kAddI && in.op <= Op::kModD) {
      Arithmetic(in, a, R[in.b], &R[in.dst]);
      continue;
    }
    if (in.op >= Op::kCmpI && in.op <= Op::kCmpB) {
      Comparison(in, a, R[in.b], &R[in.dst]);
      continue;
    }
    ExecuteSlow(in);
  }
  return R[program_.result_register];
}

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
      if (a_false || b_false) out = Value::Bool(false);
      else if (a.is_null() || b.is_null()) out = Value::Null(TypeId::kBool);
      else out = Value::Bool(true);
      return;
    }
    case Op::kOr: {
      const bool a_true = !a.is_null() && a.boolean();
      const bool b_true = !b.is_null() && b.boolean();
      if (a_true || b_true) out = Value::Bool(true);
      else if (a.is_null() || b.is_null()) out = Value::Null(TypeId::kBool);
      else out = Value::Bool(false);
      return;
    }
    case Op::kNot:
      out = a.is_null() ? Value::Null(TypeId::kBool) : Value::Bool(!a.boolean());
      return;
    case Op::kIsNull: out = Value::Bool(a.is_null()); return;
    case Op::kIsNotNull: out = Value::Bool(!a.is_null()); return;
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
        } else if (is_int ? (is_min ? v.int64() < best.int64() : v.int64() > best.int64())
                          : (is_min ? v.dbl() < best.dbl() : v.dbl() > best.dbl())) {
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
