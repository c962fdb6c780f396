#pragma once
// Expression: a compiled, type-checked expression ready to evaluate over the
// rows of one Schema. Compile once at job submission (all errors surface
// there); evaluate per record on the hot path: scalar expressions allocate
// nothing, string results live in an internal arena reused across calls.
//
//   ASSIGN_OR_RETURN(auto e, Expression::Compile("price * 0.908", schema));
//   const Value& v = e->Evaluate(row.data());
//
// Not thread-safe (holds registers and scratch): one per task; Clone() for
// more. Language reference: docs/ENGINE.md ("Expressions").

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/expr/limits.h"
#include "engine/expr/program.h"
#include "engine/record/arena.h"
#include "engine/record/schema.h"
#include "engine/record/value.h"

namespace rtai::engine::expr {

class Expression {
 public:
  // Lexes, parses, type-checks and compiles. kInvalidArgument with the
  // source column on any error. `schema` need not outlive the Expression.
  static absl::StatusOr<std::unique_ptr<Expression>> Compile(
      std::string_view source, const Schema& schema,
      const ExprLimits& limits = {});

  // The static type of the result (kNull if it is always null).
  TypeId result_type() const { return program_.result_type; }

  // Evaluates over `row`, which holds at least the schema's columns with
  // their schema types (or nulls). The result, and any string it views,
  // stay valid until the next Evaluate().
  const Value& Evaluate(const Value* row);
  // For filters: true only for a non-null true (null counts as false).
  bool EvaluatePredicate(const Value* row) {
    const Value& v = Evaluate(row);
    return !v.is_null() && v.type() == TypeId::kBool && v.boolean();
  }

  // A fresh evaluator sharing nothing mutable with this one.
  std::unique_ptr<Expression> Clone() const;

  // Number of instructions (for tests and docs).
  size_t num_instructions() const { return program_.code.size(); }

 private:
  explicit Expression(Program program);
  // Logic, conditionals, min/max (expression.cc).
  void ExecuteSlow(const Instr& in);
  // String and math functions, casts (expression_functions.cc).
  void ExecuteFunction(const Instr& in);

  Program program_;
  std::vector<Value> regs_;
  Arena arena_;
};

}  // namespace rtai::engine::expr
