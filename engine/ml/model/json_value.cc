#include "engine/ml/model/json_value.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace rtai::ml {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.kind_ = Kind::kBool;
  v.number_ = b ? 1 : 0;
  return v;
}
JsonValue JsonValue::Number(double d) {
  JsonValue v;
  v.kind_ = Kind::kNumber;
  v.number_ = d;
  return v;
}
JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.kind_ = Kind::kString;
  v.str_ = std::move(s);
  return v;
}
JsonValue JsonValue::Array() {
  JsonValue v;
  v.kind_ = Kind::kArray;
  return v;
}
JsonValue JsonValue::Object() {
  JsonValue v;
  v.kind_ = Kind::kObject;
  return v;
}

const JsonValue* JsonValue::Find(absl::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

bool JsonValue::Insert(std::string key, JsonValue v) {
  if (Find(key) != nullptr) return false;
  keys_.push_back(std::move(key));
  items_.push_back(std::move(v));
  return true;
}

absl::StatusOr<const JsonValue*> Member(const JsonValue& obj,
                                        absl::string_view key,
                                        absl::string_view path) {
  if (!obj.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not an object"));
  }
  const JsonValue* v = obj.Find(key);
  if (v == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": missing member \"", key, "\""));
  }
  return v;
}

absl::StatusOr<double> NumberMember(const JsonValue& obj, absl::string_view key,
                                    absl::string_view path) {
  auto v = Member(obj, key, path);
  if (!v.ok()) return v.status();
  if (!(*v)->is_number()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".", key, ": expected a number"));
  }
  return (*v)->number();
}

absl::StatusOr<std::string> StringMember(const JsonValue& obj,
                                         absl::string_view key,
                                         absl::string_view path) {
  auto v = Member(obj, key, path);
  if (!v.ok()) return v.status();
  if (!(*v)->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".", key, ": expected a string"));
  }
  return (*v)->str();
}

absl::StatusOr<double> NumericParam(const JsonValue& obj, absl::string_view key,
                                    absl::string_view path) {
  auto v = Member(obj, key, path);
  if (!v.ok()) return v.status();
  if ((*v)->is_number()) return (*v)->number();
  if ((*v)->is_string()) {
    const std::string& s = (*v)->str();
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(d)) {
      return d;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ".", key, ": expected a numeric parameter"));
}

absl::StatusOr<std::vector<double>> NumberArrayMember(const JsonValue& obj,
                                                      absl::string_view key,
                                                      absl::string_view path) {
  auto v = Member(obj, key, path);
  if (!v.ok()) return v.status();
  if (!(*v)->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".", key, ": expected an array"));
  }
  std::vector<double> out;
  out.reserve((*v)->items().size());
  for (const JsonValue& item : (*v)->items()) {
    if (!item.is_number()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", key, ": expected an array of numbers"));
    }
    out.push_back(item.number());
  }
  return out;
}

}  // namespace rtai::ml
