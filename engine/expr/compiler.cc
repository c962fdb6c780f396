#include "engine/expr/compiler.h"

#include "base/check.h"

namespace rtai::engine::expr {
namespace {

// The comparison opcode `kind` (0..5 = BinaryOp - kEq) of the block at `eq`.
Op CmpOp(Op eq, uint8_t kind) {
  return static_cast<Op>(static_cast<int>(eq) + kind);
}

class Compiler {
 public:
  Compiler(const Ast& ast, const CheckedAst& checked, Program* p)
      : ast_(ast), types_(checked.types), checked_(checked), p_(p) {}

  void Run() {
    const size_t n = ast_.nodes.size();
    CHECK(n > 0 && n * 2 < kNoReg);
    p_->initial_registers.assign(n, Value());
    for (size_t i = 0; i < n; ++i) CompileNode(static_cast<uint16_t>(i));
    p_->result_register = static_cast<uint16_t>(n - 1);
    p_->result_type = types_[n - 1];
  }

 private:
  TypeId T(uint32_t node) const { return types_[node]; }
  uint16_t Arg(const Node& n, uint32_t i) const {
    return static_cast<uint16_t>(ast_.arg(n, i));
  }
  void Emit(Op op, uint16_t dst, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0,
            uint8_t aux = 0) {
    p_->code.push_back(Instr{op, types_[dst], aux, dst, a, b, c});
  }
  // A register holding `node`'s value as a double when it is int64.
  uint16_t AsDouble(uint16_t node) {
    if (T(node) != TypeId::kInt64) return node;
    const auto reg = static_cast<uint16_t>(p_->initial_registers.size());
    CHECK(reg < kNoReg);
    p_->initial_registers.push_back(Value::Null(TypeId::kDouble));
    p_->code.push_back(
        Instr{Op::kToDouble, TypeId::kDouble, 0, reg, node, 0, 0});
    return reg;
  }
  // Appends the node's arguments (promoted to double when `to_double`) to
  // arg_registers; returns the start index.
  uint16_t ArgList(const Node& n, bool to_double) {
    const auto start = static_cast<uint16_t>(p_->arg_registers.size());
    for (uint32_t i = 0; i < n.num_args; ++i) {
      const uint16_t r = Arg(n, i);
      p_->arg_registers.push_back(to_double ? AsDouble(r) : r);
    }
    return start;
  }

  void CompileNode(uint16_t i) {
    const Node& n = ast_.nodes[i];
    switch (n.kind) {
      case NodeKind::kLiteral:
        p_->initial_registers[i] = n.literal;
        return;
      case NodeKind::kColumn:
        p_->initial_registers[i] = Value::Null(T(i));
        Emit(Op::kLoadColumn, i, static_cast<uint16_t>(checked_.columns[i]));
        return;
      case NodeKind::kNeg:
        Emit(T(i) == TypeId::kDouble ? Op::kNegD : Op::kNegI, i, Arg(n, 0));
        return;
      case NodeKind::kNot:
        Emit(Op::kNot, i, Arg(n, 0));
        return;
      case NodeKind::kIsNull:
        Emit(Op::kIsNull, i, Arg(n, 0));
        return;
      case NodeKind::kIsNotNull:
        Emit(Op::kIsNotNull, i, Arg(n, 0));
        return;
      case NodeKind::kCast:
        Emit(Op::kCast, i, Arg(n, 0), 0, 0, static_cast<uint8_t>(n.cast_to));
        return;
      case NodeKind::kBinary:
        CompileBinary(i, n);
        return;
      case NodeKind::kCall:
        CompileCall(i, n);
        return;
    }
  }

  void CompileBinary(uint16_t i, const Node& n) {
    const uint16_t l = Arg(n, 0), r = Arg(n, 1);
    if (n.op == BinaryOp::kAnd) return Emit(Op::kAnd, i, l, r);
    if (n.op == BinaryOp::kOr) return Emit(Op::kOr, i, l, r);
    if (IsComparison(n.op)) {
      const auto kind = static_cast<uint8_t>(static_cast<int>(n.op) -
                                             static_cast<int>(BinaryOp::kEq));
      const TypeId lt = T(l), rt = T(r);
      const TypeId t = lt == TypeId::kNull ? rt : lt;
      if (lt == TypeId::kDouble || rt == TypeId::kDouble) {
        const uint16_t dl = AsDouble(l), dr = AsDouble(r);
        return Emit(CmpOp(Op::kEqD, kind), i, dl, dr);
      }
      if (t == TypeId::kString || t == TypeId::kBytes) {
        return Emit(CmpOp(Op::kEqS, kind), i, l, r);
      }
      if (t == TypeId::kBool) return Emit(CmpOp(Op::kEqB, kind), i, l, r);
      return Emit(CmpOp(Op::kEqI, kind), i, l, r);
    }
    static constexpr Op kIntOps[] = {Op::kAddI, Op::kSubI, Op::kMulI, Op::kDivI,
                                     Op::kModI};
    static constexpr Op kDblOps[] = {Op::kAddD, Op::kSubD, Op::kMulD, Op::kDivD,
                                     Op::kModD};
    const int k = static_cast<int>(n.op);
    if (T(i) == TypeId::kDouble) {
      const uint16_t dl = AsDouble(l), dr = AsDouble(r);
      return Emit(kDblOps[k], i, dl, dr);
    }
    Emit(kIntOps[k], i, l, r);
  }

  void CompileCall(uint16_t i, const Node& n) {
    const bool dbl = T(i) == TypeId::kDouble;
    const auto count = static_cast<uint16_t>(n.num_args);
    switch (checked_.functions[i]) {
      case Function::kIf: {
        const uint16_t a = Arg(n, 1), b = Arg(n, 2);
        const uint16_t pa = dbl ? AsDouble(a) : a, pb = dbl ? AsDouble(b) : b;
        return Emit(Op::kIf, i, Arg(n, 0), pa, pb);
      }
      case Function::kCoalesce:
        return Emit(Op::kCoalesce, i, ArgList(n, dbl), count);
      case Function::kConcat:
        return Emit(Op::kConcat, i, ArgList(n, false), count);
      case Function::kMin:
        return Emit(dbl ? Op::kMinD : Op::kMinI, i, ArgList(n, dbl), count);
      case Function::kMax:
        return Emit(dbl ? Op::kMaxD : Op::kMaxI, i, ArgList(n, dbl), count);
      case Function::kLower:
        return Emit(Op::kLower, i, Arg(n, 0));
      case Function::kUpper:
        return Emit(Op::kUpper, i, Arg(n, 0));
      case Function::kLength:
        return Emit(Op::kLength, i, Arg(n, 0));
      case Function::kSubstr:
        return Emit(Op::kSubstr, i, Arg(n, 0), Arg(n, 1),
                    n.num_args == 3 ? Arg(n, 2) : kNoReg);
      case Function::kStartsWith:
        return Emit(Op::kStartsWith, i, Arg(n, 0), Arg(n, 1));
      case Function::kContains:
        return Emit(Op::kContains, i, Arg(n, 0), Arg(n, 1));
      case Function::kAbs:
        return Emit(dbl ? Op::kAbsD : Op::kAbsI, i, Arg(n, 0));
      case Function::kFloor:
        return Emit(dbl ? Op::kFloor : Op::kMove, i, Arg(n, 0));
      case Function::kCeil:
        return Emit(dbl ? Op::kCeil : Op::kMove, i, Arg(n, 0));
      case Function::kRound:
        return Emit(dbl ? Op::kRound : Op::kMove, i, Arg(n, 0));
      case Function::kSqrt:
        return Emit(Op::kSqrt, i, AsDouble(Arg(n, 0)));
      case Function::kLog:
        return Emit(Op::kLog, i, AsDouble(Arg(n, 0)));
      case Function::kExp:
        return Emit(Op::kExp, i, AsDouble(Arg(n, 0)));
      case Function::kPow: {
        const uint16_t a = AsDouble(Arg(n, 0)), b = AsDouble(Arg(n, 1));
        return Emit(Op::kPow, i, a, b);
      }
      case Function::kNone:
        break;
    }
    CHECK(false);
  }

  const Ast& ast_;
  const std::vector<TypeId>& types_;
  const CheckedAst& checked_;
  Program* p_;
};

}  // namespace

Program CompileProgram(Ast ast, const CheckedAst& checked,
                       const Schema& schema) {
  Program p;
  p.row_width = schema.num_fields();
  Compiler(ast, checked, &p).Run();
  p.strings = std::move(ast.strings);
  return p;
}

}  // namespace rtai::engine::expr
