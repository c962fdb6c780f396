#include "broker/kafka/value.h"

#include "base/check.h"

namespace rtai::kafka {
namespace {

const std::string& EmptyString() {
  static const std::string* s = new std::string();
  return *s;
}
const std::vector<Value>& EmptyArray() {
  static const std::vector<Value>* a = new std::vector<Value>();
  return *a;
}

}  // namespace

StructValue::StructValue(Fields fields) : fields_(fields) {
  values_.reserve(fields.size());
  for (const FieldSpec& f : fields) values_.push_back(Value::DefaultFor(f));
}

size_t StructValue::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  std::fprintf(stderr, "unknown Kafka field %.*s\n", static_cast<int>(name.size()),
               name.data());
  CHECK(false && "unknown field name");
  return 0;
}

int64_t StructValue::Int(std::string_view name) const { return values_[IndexOf(name)].as_int(); }
void StructValue::SetInt(std::string_view name, int64_t v) { values_[IndexOf(name)] = Value(v); }
double StructValue::Float(std::string_view name) const {
  return values_[IndexOf(name)].as_float();
}
void StructValue::SetFloat(std::string_view name, double v) { values_[IndexOf(name)] = Value(v); }

const std::string& StructValue::Str(std::string_view name) const {
  const Value& v = values_[IndexOf(name)];
  return v.is_null() ? EmptyString() : v.as_string();
}
void StructValue::SetStr(std::string_view name, std::string v) {
  values_[IndexOf(name)] = Value(std::move(v));
}
std::string* StructValue::MutableStr(std::string_view name) {
  Value& v = values_[IndexOf(name)];
  if (v.is_null()) v = Value(std::string());
  return v.mutable_string();
}
bool StructValue::IsNull(std::string_view name) const { return values_[IndexOf(name)].is_null(); }
void StructValue::SetNull(std::string_view name) { values_[IndexOf(name)] = Value(); }

const std::vector<Value>& StructValue::Array(std::string_view name) const {
  const Value& v = values_[IndexOf(name)];
  return v.is_null() ? EmptyArray() : v.as_array();
}
std::vector<Value>* StructValue::MutableArray(std::string_view name) {
  Value& v = values_[IndexOf(name)];
  if (v.is_null()) v = Value(std::vector<Value>());
  return v.mutable_array();
}
StructValue& StructValue::AddStruct(std::string_view name) {
  const size_t i = IndexOf(name);
  CHECK(fields_[i].type == FieldType::kArray && fields_[i].element == FieldType::kStruct);
  std::vector<Value>* array = MutableArray(name);
  array->push_back(Value(StructValue(fields_[i].fields)));
  return *array->back().mutable_struct();
}
const StructValue& StructValue::Nested(std::string_view name) const {
  return values_[IndexOf(name)].as_struct();
}
StructValue* StructValue::MutableNested(std::string_view name) {
  return values_[IndexOf(name)].mutable_struct();
}

Value Value::DefaultFor(const FieldSpec& field) {
  switch (field.type) {
    case FieldType::kBool:
    case FieldType::kInt8:
    case FieldType::kInt16:
    case FieldType::kUint16:
    case FieldType::kInt32:
    case FieldType::kInt64:
      return Value(field.default_int);
    case FieldType::kFloat64:
      return Value(0.0);
    case FieldType::kUuid:
      return Value(std::string(16, '\0'));
    case FieldType::kString:
    case FieldType::kBytes:
    case FieldType::kRecords:
      return field.default_null ? Value() : Value(std::string());
    case FieldType::kArray:
      return field.default_null ? Value() : Value(std::vector<Value>());
    case FieldType::kStruct:
      return Value(StructValue(field.fields));
  }
  return Value();
}

int64_t Value::as_int() const {
  CHECK(std::holds_alternative<int64_t>(v_));
  return std::get<int64_t>(v_);
}
double Value::as_float() const {
  CHECK(std::holds_alternative<double>(v_));
  return std::get<double>(v_);
}
const std::string& Value::as_string() const {
  CHECK(std::holds_alternative<std::string>(v_));
  return std::get<std::string>(v_);
}
std::string* Value::mutable_string() {
  CHECK(std::holds_alternative<std::string>(v_));
  return &std::get<std::string>(v_);
}
const std::vector<Value>& Value::as_array() const {
  CHECK(std::holds_alternative<std::vector<Value>>(v_));
  return std::get<std::vector<Value>>(v_);
}
std::vector<Value>* Value::mutable_array() {
  CHECK(std::holds_alternative<std::vector<Value>>(v_));
  return &std::get<std::vector<Value>>(v_);
}
const StructValue& Value::as_struct() const {
  CHECK(std::holds_alternative<StructValue>(v_));
  return std::get<StructValue>(v_);
}
StructValue* Value::mutable_struct() {
  CHECK(std::holds_alternative<StructValue>(v_));
  return &std::get<StructValue>(v_);
}

bool Value::operator==(const Value& o) const { return v_ == o.v_; }

bool operator==(const StructValue& a, const StructValue& b) {
  if (a.size() != b.size() || a.fields().data() != b.fields().data()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a.at(i) == b.at(i))) return false;
  }
  return true;
}

}  // namespace rtai::kafka
