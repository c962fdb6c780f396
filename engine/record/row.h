#pragma once
// Row: one record as a flat array of Values plus the Arena holding its
// strings. Meant to be reused: Reset() keeps the capacity of both, so
// decoding into a warm Row allocates nothing. Movable, not copyable (the
// Values point into the arena). Not thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/record/arena.h"
#include "engine/record/value.h"

namespace rtai::engine {

// A row being written by a decoder: its Values and the arena for its
// strings. Obtained from a Row (Row::writer()) or a RowBatch's newest row.
// Both pointers are borrowed.
struct RowWriter {
  Value* values;
  Arena* arena;

  Value& operator[](size_t i) const { return values[i]; }
  void SetString(size_t i, std::string_view s) const {
    values[i] = Value::String(arena->Copy(s));
  }
  void SetBytes(size_t i, std::string_view s) const {
    values[i] = Value::Bytes(arena->Copy(s));
  }
};

class Row {
 public:
  Row() = default;
  explicit Row(size_t num_fields) { Reset(num_fields); }
  Row(Row&&) = default;
  Row& operator=(Row&&) = default;

  // `num_fields` nulls (of type kNull); forgets the strings.
  void Reset(size_t num_fields) {
    values_.assign(num_fields, Value());
    arena_.Reset();
  }
  size_t size() const { return values_.size(); }
  const Value* data() const { return values_.data(); }
  const Value& operator[](size_t i) const { return values_[i]; }
  Value& operator[](size_t i) { return values_[i]; }

  // Copies `s` into the row's arena and stores it as field `i`.
  void SetString(size_t i, std::string_view s) {
    values_[i] = Value::String(arena_.Copy(s));
  }
  void SetBytes(size_t i, std::string_view s) {
    values_[i] = Value::Bytes(arena_.Copy(s));
  }
  Arena& arena() { return arena_; }
  RowWriter writer() { return RowWriter{values_.data(), &arena_}; }

 private:
  std::vector<Value> values_;
  Arena arena_;
};

}  // namespace rtai::engine
