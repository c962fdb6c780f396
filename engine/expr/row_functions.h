#pragma once
// The stateless per-batch cores of the filter, map/project and key-by
// operators, built from expressions compiled at job submission:
//   Filter      keeps the rows whose predicate is true (null counts as false)
//   Projection  computes named output columns from each input row
//   KeySelector computes a row's canonical key bytes (key_encoding.h), which
//               the runtime hashes into a key group
// Not thread-safe (each holds evaluators): one per task.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/expr/expression.h"
#include "engine/record/row_batch.h"
#include "engine/record/schema.h"

namespace rtai::engine::expr {

class Filter {
 public:
  // The predicate must be of type bool (kInvalidArgument otherwise).
  static absl::StatusOr<Filter> Compile(std::string_view predicate,
                                        const Schema& input,
                                        const ExprLimits& limits = {});
  // Appends the rows of `in` that pass to `out` (same schema; strings copied
  // into out's arena). Returns the number appended.
  size_t Apply(const RowBatch& in, RowBatch* out);
  bool Matches(const Value* row) { return predicate_->EvaluatePredicate(row); }

 private:
  explicit Filter(std::unique_ptr<Expression> p) : predicate_(std::move(p)) {}
  std::unique_ptr<Expression> predicate_;
};

struct NamedExpression {
  std::string name;    // output column name
  std::string source;  // expression over the input schema
};

class Projection {
 public:
  // Output columns in the given order; names must be unique; an expression
  // that is always null (type null) must be cast to a type.
  static absl::StatusOr<Projection> Compile(
      const std::vector<NamedExpression>& outputs, const Schema& input,
      const ExprLimits& limits = {});
  const Schema& output_schema() const { return *output_schema_; }
  // Appends one row to `out` (whose schema must equal output_schema()) per
  // row of `in`; result strings are copied into out's arena.
  void Apply(const RowBatch& in, RowBatch* out);

 private:
  Projection(std::vector<std::unique_ptr<Expression>> exprs,
             std::unique_ptr<Schema> schema)
      : exprs_(std::move(exprs)), output_schema_(std::move(schema)) {}
  std::vector<std::unique_ptr<Expression>> exprs_;
  std::unique_ptr<Schema> output_schema_;  // stable address for RowBatch
};

class KeySelector {
 public:
  // One or more key expressions (a composite key); any type, including null.
  static absl::StatusOr<KeySelector> Compile(
      const std::vector<std::string>& sources, const Schema& input,
      const ExprLimits& limits = {});
  // The canonical key bytes of `row`, replacing *key.
  void KeyOf(const Value* row, std::string* key);

 private:
  explicit KeySelector(std::vector<std::unique_ptr<Expression>> exprs)
      : exprs_(std::move(exprs)) {}
  std::vector<std::unique_ptr<Expression>> exprs_;
};

}  // namespace rtai::engine::expr
