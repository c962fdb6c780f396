#include "engine/expr/row_functions.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/record/key_encoding.h"

namespace rtai::engine::expr {

absl::StatusOr<Filter> Filter::Compile(std::string_view predicate,
                                       const Schema& input,
                                       const ExprLimits& limits) {
  ASSIGN_OR_RETURN(std::unique_ptr<Expression> e,
                   Expression::Compile(predicate, input, limits));
  if (e->result_type() != TypeId::kBool && e->result_type() != TypeId::kNull) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter predicate must be bool, got ",
                     std::string(TypeName(e->result_type()))));
  }
  return Filter(std::move(e));
}

size_t Filter::Apply(const RowBatch& in, RowBatch* out) {
  CHECK(in.schema() == out->schema());
  size_t kept = 0;
  for (size_t r = 0; r < in.num_rows(); ++r) {
    if (predicate_->EvaluatePredicate(in.row(r))) {
      out->AppendRowCopy(in.row(r));
      ++kept;
    }
  }
  return kept;
}

absl::StatusOr<Projection> Projection::Compile(
    const std::vector<NamedExpression>& outputs, const Schema& input,
    const ExprLimits& limits) {
  std::vector<std::unique_ptr<Expression>> exprs;
  std::vector<Field> fields;
  for (const NamedExpression& o : outputs) {
    auto e = Expression::Compile(o.source, input, limits);
    if (!e.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "output `", o.name, "`: ", std::string(e.status().message())));
    }
    if ((*e)->result_type() == TypeId::kNull) {
      return absl::InvalidArgumentError(
          absl::StrCat("output `", o.name,
                       "` is always null; give it a type with cast(... as T)"));
    }
    fields.push_back(Field{o.name, (*e)->result_type()});
    exprs.push_back(std::move(*e));
  }
  ASSIGN_OR_RETURN(Schema schema, Schema::Create(std::move(fields)));
  return Projection(std::move(exprs),
                    std::make_unique<Schema>(std::move(schema)));
}

void Projection::Apply(const RowBatch& in, RowBatch* out) {
  CHECK(out->schema() == *output_schema_);
  for (size_t r = 0; r < in.num_rows(); ++r) {
    Value* row = out->AddRow();
    for (size_t c = 0; c < exprs_.size(); ++c) {
      const Value& v = exprs_[c]->Evaluate(in.row(r));
      // Typed nulls keep the column type; strings move to out's arena.
      row[c] = v.is_null() ? Value::Null(output_schema_->field(c).type)
                           : out->CopyValue(v);
    }
  }
}

absl::StatusOr<KeySelector> KeySelector::Compile(
    const std::vector<std::string>& sources, const Schema& input,
    const ExprLimits& limits) {
  if (sources.empty())
    return absl::InvalidArgumentError("key-by needs at least one expression");
  std::vector<std::unique_ptr<Expression>> exprs;
  for (size_t i = 0; i < sources.size(); ++i) {
    auto e = Expression::Compile(sources[i], input, limits);
    if (!e.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", i + 1, ": ", std::string(e.status().message())));
    }
    exprs.push_back(std::move(*e));
  }
  return KeySelector(std::move(exprs));
}

void KeySelector::KeyOf(const Value* row, std::string* key) {
  key->clear();
  for (auto& e : exprs_) AppendKeyBytes(e->Evaluate(row), key);
}

}  // namespace rtai::engine::expr
