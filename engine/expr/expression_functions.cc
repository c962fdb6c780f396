// Expression::ExecuteFunction: the string, math and cast instructions.

#include <cmath>
#include <cstring>

#include "base/check.h"
#include "engine/expr/builtins.h"
#include "engine/expr/expression.h"
#include "engine/record/text_parse.h"

namespace rtai::engine::expr {
namespace {

inline Value MathResult(double r, double x) {
  if (std::isnan(r) && !std::isnan(x)) return Value::Null(TypeId::kDouble);
  return Value::Double(r);
}

}  // namespace

void Expression::ExecuteFunction(const Instr& in) {
  Value* R = regs_.data();
  const Value& a = R[in.a];
  const Value& b = R[in.b];
  Value& out = R[in.dst];
  const uint16_t* args = program_.arg_registers.data() + in.a;
  if (in.op == Op::kConcat) {
    size_t total = 0;
    for (uint16_t i = 0; i < in.b; ++i) {
      if (R[args[i]].is_null()) {
        out = Value::Null(TypeId::kString);
        return;
      }
      total += R[args[i]].str().size();
    }
    char* p = arena_.Allocate(total);
    size_t pos = 0;
    for (uint16_t i = 0; i < in.b; ++i) {
      const std::string_view s = R[args[i]].str();
      if (!s.empty()) std::memcpy(p + pos, s.data(), s.size());
      pos += s.size();
    }
    out = Value::String(std::string_view(p, total));
    return;
  }
  if (in.op == Op::kCast) {
    out = CastValue(a, static_cast<TypeId>(in.aux), &arena_);
    return;
  }
  // The rest are strict: any null operand gives null.
  const bool has_b = in.op == Op::kSubstr || in.op == Op::kStartsWith ||
                     in.op == Op::kContains || in.op == Op::kPow;
  const bool has_c = in.op == Op::kSubstr && in.c != kNoReg;
  if (a.is_null() || (has_b && b.is_null()) || (has_c && R[in.c].is_null())) {
    out = Value::Null(in.type);
    return;
  }
  switch (in.op) {
    case Op::kLower:
      out = AsciiLower(a.str(), &arena_);
      return;
    case Op::kUpper:
      out = AsciiUpper(a.str(), &arena_);
      return;
    case Op::kLength:
      out = Value::Int64(static_cast<int64_t>(
          a.type() == TypeId::kBytes ? a.str().size() : Utf8Length(a.str())));
      return;
    case Op::kSubstr:
      out = Value::String(
          Substr(a.str(), b.int64(), has_c, has_c ? R[in.c].int64() : 0));
      return;
    case Op::kStartsWith:
      out = Value::Bool(a.str().substr(0, b.str().size()) == b.str());
      return;
    case Op::kContains:
      out = Value::Bool(a.str().find(b.str()) != std::string_view::npos);
      return;
    case Op::kAbsI:
      out = a.int64() == INT64_MIN
                ? Value::Null(TypeId::kInt64)
                : Value::Int64(a.int64() < 0 ? -a.int64() : a.int64());
      return;
    case Op::kAbsD:
      out = Value::Double(std::fabs(a.dbl()));
      return;
    case Op::kSqrt:
      out = MathResult(std::sqrt(a.dbl()), a.dbl());
      return;
    case Op::kLog:
      out = a.dbl() <= 0 ? Value::Null(TypeId::kDouble)
                         : Value::Double(std::log(a.dbl()));
      return;
    case Op::kExp:
      out = Value::Double(std::exp(a.dbl()));
      return;
    case Op::kFloor:
      out = Value::Double(std::floor(a.dbl()));
      return;
    case Op::kCeil:
      out = Value::Double(std::ceil(a.dbl()));
      return;
    case Op::kRound:
      out = Value::Double(std::round(a.dbl()));
      return;
    case Op::kPow: {
      const double r = std::pow(a.dbl(), b.dbl());
      out = (std::isnan(r) && !std::isnan(a.dbl()) && !std::isnan(b.dbl()))
                ? Value::Null(TypeId::kDouble)
                : Value::Double(r);
      return;
    }
    default:
      CHECK(false);
  }
}

}  // namespace rtai::engine::expr
