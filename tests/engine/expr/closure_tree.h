#pragma once
// A tree-of-closures evaluator for a subset of the language (literals,
// columns, arithmetic, comparisons, and/or, is null), built from the same
// type-checked AST. Exists only so engine_expr_bench can compare it with the
// flat instruction array the engine uses (docs/ENGINE.md, "Evaluation").

#include <functional>
#include <memory>

#include "engine/expr/ast.h"
#include "engine/expr/type_checker.h"

namespace rtai::engine::expr::bench {

using Closure = std::function<Value(const Value* row)>;

// nullptr if the AST uses something outside the subset.
inline Closure BuildClosure(const Ast& ast, const CheckedAst& checked,
                            uint32_t i) {
  const Node& n = ast.nodes[i];
  const TypeId t = checked.types[i];
  switch (n.kind) {
    case NodeKind::kLiteral: {
      const Value v = n.literal;
      return [v](const Value*) { return v; };
    }
    case NodeKind::kColumn: {
      const int c = checked.columns[i];
      return [c](const Value* row) { return row[c]; };
    }
    case NodeKind::kIsNull: {
      Closure a = BuildClosure(ast, checked, ast.arg(n, 0));
      return [a](const Value* row) { return Value::Bool(a(row).is_null()); };
    }
    case NodeKind::kBinary: {
      Closure a = BuildClosure(ast, checked, ast.arg(n, 0));
      Closure b = BuildClosure(ast, checked, ast.arg(n, 1));
      if (!a || !b) return nullptr;
      auto num = [](const Value& v) {
        return v.type() == TypeId::kDouble ? v.dbl()
                                           : static_cast<double>(v.int64());
      };
      const BinaryOp op = n.op;
      if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
        const bool is_and = op == BinaryOp::kAnd;
        return [a, b, is_and](const Value* row) {
          const Value x = a(row), y = b(row);
          const bool xv = !x.is_null() && x.boolean(),
                     yv = !y.is_null() && y.boolean();
          if (is_and) {
            if ((!x.is_null() && !xv) || (!y.is_null() && !yv))
              return Value::Bool(false);
            return x.is_null() || y.is_null() ? Value::Null(TypeId::kBool)
                                              : Value::Bool(true);
          }
          if (xv || yv) return Value::Bool(true);
          return x.is_null() || y.is_null() ? Value::Null(TypeId::kBool)
                                            : Value::Bool(false);
        };
      }
      if (IsComparison(op)) {
        return [a, b, op, num](const Value* row) {
          const Value x = a(row), y = b(row);
          if (x.is_null() || y.is_null()) return Value::Null(TypeId::kBool);
          int c;
          if (x.type() == TypeId::kString) {
            c = x.str().compare(y.str());
          } else {
            const double dx = num(x), dy = num(y);
            c = dx < dy ? -1 : dx > dy ? 1 : 0;
          }
          switch (op) {
            case BinaryOp::kEq:
              return Value::Bool(c == 0);
            case BinaryOp::kNe:
              return Value::Bool(c != 0);
            case BinaryOp::kLt:
              return Value::Bool(c < 0);
            case BinaryOp::kLe:
              return Value::Bool(c <= 0);
            case BinaryOp::kGt:
              return Value::Bool(c > 0);
            default:
              return Value::Bool(c >= 0);
          }
        };
      }
      return [a, b, op, t, num](const Value* row) {
        const Value x = a(row), y = b(row);
        if (x.is_null() || y.is_null()) return Value::Null(t);
        if (t == TypeId::kDouble) {
          const double dx = num(x), dy = num(y);
          switch (op) {
            case BinaryOp::kAdd:
              return Value::Double(dx + dy);
            case BinaryOp::kSub:
              return Value::Double(dx - dy);
            case BinaryOp::kMul:
              return Value::Double(dx * dy);
            default:
              return Value::Double(dx / dy);
          }
        }
        const int64_t ix = x.int64(), iy = y.int64();
        switch (op) {
          case BinaryOp::kAdd:
            return Value::Int64(ix + iy);
          case BinaryOp::kSub:
            return Value::Int64(ix - iy);
          case BinaryOp::kMul:
            return Value::Int64(ix * iy);
          case BinaryOp::kMod:
            return iy == 0 ? Value::Null(t) : Value::Int64(ix % iy);
          default:
            return iy == 0 ? Value::Null(t) : Value::Int64(ix / iy);
        }
      };
    }
    default:
      return nullptr;
  }
}

}  // namespace rtai::engine::expr::bench
