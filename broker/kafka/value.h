#pragma once
// Value / StructValue: the decoded form of any Kafka message described by a
// schema (schema.h). A StructValue holds one Value per schema field, in
// schema order, whether or not the field exists in the version at hand
// (absent fields keep their schema default). Handlers read and build
// messages through the name-based accessors; a wrong field name or type is a
// programmer error and CHECK-fails.
//
// Thread safety: plain values; not synchronized.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/kafka/schema.h"

namespace rtai::kafka {

class Value;

class StructValue {
 public:
  StructValue() = default;
  // Every field set to its schema default.
  explicit StructValue(Fields fields);

  Fields fields() const { return fields_; }
  size_t size() const;
  Value& at(size_t i);
  const Value& at(size_t i) const;

  // Integers and bools.
  int64_t Int(std::string_view name) const;
  void SetInt(std::string_view name, int64_t v);
  double Float(std::string_view name) const;
  void SetFloat(std::string_view name, double v);
  // Strings, bytes, records and uuids (16 raw bytes). Null reads as "".
  const std::string& Str(std::string_view name) const;
  void SetStr(std::string_view name, std::string v);
  std::string* MutableStr(std::string_view name);
  bool IsNull(std::string_view name) const;
  void SetNull(std::string_view name);
  // Arrays. A null array reads as empty; MutableArray makes it non-null.
  const std::vector<Value>& Array(std::string_view name) const;
  std::vector<Value>* MutableArray(std::string_view name);
  // Appends an element with default fields to the struct array `name`.
  StructValue& AddStruct(std::string_view name);
  // Single nested struct fields.
  const StructValue& Nested(std::string_view name) const;
  StructValue* MutableNested(std::string_view name);

  // Index of `name` in fields(); CHECK-fails when unknown.
  size_t IndexOf(std::string_view name) const;

 private:
  Fields fields_;
  std::vector<Value> values_;
};

class Value {
 public:
  Value() = default;  // null
  explicit Value(int64_t v) : v_(v) {}
  explicit Value(double v) : v_(v) {}
  explicit Value(std::string v) : v_(std::move(v)) {}
  explicit Value(std::vector<Value> v) : v_(std::move(v)) {}
  explicit Value(StructValue v) : v_(std::move(v)) {}
  // The schema default of `field`.
  static Value DefaultFor(const FieldSpec& field);

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  int64_t as_int() const;
  double as_float() const;
  const std::string& as_string() const;
  std::string* mutable_string();
  const std::vector<Value>& as_array() const;
  std::vector<Value>* mutable_array();
  const StructValue& as_struct() const;
  StructValue* mutable_struct();

  bool operator==(const Value& o) const;

 private:
  std::variant<std::monostate, int64_t, double, std::string, std::vector<Value>, StructValue> v_;
};

bool operator==(const StructValue& a, const StructValue& b);

// Defined here, where Value is complete.
inline size_t StructValue::size() const { return values_.size(); }
inline Value& StructValue::at(size_t i) { return values_[i]; }
inline const Value& StructValue::at(size_t i) const { return values_[i]; }

}  // namespace rtai::kafka
