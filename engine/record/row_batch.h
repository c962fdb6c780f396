#pragma once
// RowBatch: the in-memory form of a batch of records of one schema, stored
// row-major as one flat Value array (row i is values[i*n .. i*n+n)) with one
// shared Arena for strings. Clear() keeps capacity, so a reused batch stops
// allocating. The schema is borrowed and must outlive the batch. Not
// thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/record/arena.h"
#include "engine/record/schema.h"
#include "engine/record/value.h"

namespace rtai::engine {

class RowBatch {
 public:
  explicit RowBatch(const Schema* schema)
      : schema_(schema), width_(schema->num_fields()) {}
  RowBatch(RowBatch&&) = default;

  const Schema& schema() const { return *schema_; }
  size_t num_rows() const { return width_ == 0 ? 0 : values_.size() / width_; }
  size_t num_columns() const { return width_; }

  const Value* row(size_t i) const { return values_.data() + i * width_; }
  Value* mutable_row(size_t i) { return values_.data() + i * width_; }
  const Value& at(size_t row, size_t col) const {
    return values_[row * width_ + col];
  }

  // Appends a row of typed nulls and returns it; the pointer is valid until
  // the next AddRow() or Clear().
  Value* AddRow() {
    for (size_t c = 0; c < width_; ++c) {
      values_.push_back(Value::Null(schema_->field(c).type));
    }
    return mutable_row(num_rows() - 1);
  }
  // Appends a copy of `row` (num_columns() Values of this schema's types or
  // nulls; not pointing into this batch), copying its strings into this
  // batch's arena.
  void AppendRowCopy(const Value* row) {
    Value* out = AddRow();
    for (size_t c = 0; c < width_; ++c) out[c] = CopyValue(row[c]);
  }
  // `v` with its string or bytes copied into this batch's arena.
  Value CopyValue(const Value& v) {
    if (v.is_null() ||
        (v.type() != TypeId::kString && v.type() != TypeId::kBytes)) {
      return v;
    }
    const std::string_view s = arena_.Copy(v.str());
    return v.type() == TypeId::kString ? Value::String(s) : Value::Bytes(s);
  }
  // Removes the newest row (a decoder failed on it). Its strings stay in the
  // arena until Clear().
  void PopRow() {
    if (num_rows() > 0) values_.resize(values_.size() - width_);
  }
  // Copies bytes into the batch's arena (for string/bytes Values).
  std::string_view CopyBytes(std::string_view s) { return arena_.Copy(s); }
  Arena& arena() { return arena_; }

  void Clear() {
    values_.clear();
    arena_.Reset();
  }

 private:
  const Schema* schema_;
  size_t width_;
  std::vector<Value> values_;
  Arena arena_{16384};
};

}  // namespace rtai::engine
