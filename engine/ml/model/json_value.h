#pragma once
// A small JSON document model with strict, bounded readers for JSON text and
// UBJSON (the binary form XGBoost writes as `.ubj`). Used to load model files;
// generic enough to move to base/ if the engine wants it (tell the lead).
//
// Strictness: RFC 8259 grammar only (no comments, trailing commas, NaN,
// duplicate keys); UTF-8 escapes validated. Bounds: total bytes, nesting
// depth, total values and string length are capped by JsonLimits; a document
// past any cap is rejected with InvalidArgument naming the cap.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct JsonLimits {
  // Default: 512 MiB (bytes of input).
  uint64_t max_input_bytes = 512ull << 20;
  // Default: 64 (levels of arrays/objects).
  int max_depth = 64;
  // Default: 64 M (values, counting every array element and object member).
  uint64_t max_values = 64ull << 20;
  // Default: 16 MiB (bytes in one string or key).
  uint64_t max_string_bytes = 16ull << 20;
};

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Number(double d);
  static JsonValue String(std::string s);
  static JsonValue Array();
  static JsonValue Object();

  Kind kind() const { return kind_; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool bool_value() const { return number_ != 0; }
  double number() const { return number_; }
  const std::string& str() const { return str_; }
  // Array elements, or object member values (parallel to keys()).
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::string>& keys() const { return keys_; }

  // Object member by key, nullptr when absent or not an object.
  const JsonValue* Find(absl::string_view key) const;

  void Append(JsonValue v) { items_.push_back(std::move(v)); }
  // Returns false if the key already exists (strict readers reject that).
  // Linear in the member count: readers use AppendMember + their own set.
  bool Insert(std::string key, JsonValue v);
  // Appends without the duplicate check (the caller has done it).
  void AppendMember(std::string key, JsonValue v) {
    keys_.push_back(std::move(key));
    items_.push_back(std::move(v));
  }

 private:
  Kind kind_ = Kind::kNull;
  double number_ = 0;
  std::string str_;
  std::vector<JsonValue> items_;
  std::vector<std::string> keys_;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text,
                                    const JsonLimits& limits = {});
absl::StatusOr<JsonValue> ParseUbjson(absl::string_view bytes,
                                      const JsonLimits& limits = {});

// Typed accessors for loaders: each returns InvalidArgument naming `path`
// when the member is missing or of the wrong type.
absl::StatusOr<const JsonValue*> Member(const JsonValue& obj,
                                        absl::string_view key,
                                        absl::string_view path);
absl::StatusOr<double> NumberMember(const JsonValue& obj, absl::string_view key,
                                    absl::string_view path);
absl::StatusOr<std::string> StringMember(const JsonValue& obj,
                                         absl::string_view key,
                                         absl::string_view path);
// XGBoost stores many parameters as strings ("100", "5E-1"); accepts either
// a number or a string holding a number.
absl::StatusOr<double> NumericParam(const JsonValue& obj, absl::string_view key,
                                    absl::string_view path);
absl::StatusOr<std::vector<double>> NumberArrayMember(const JsonValue& obj,
                                                      absl::string_view key,
                                                      absl::string_view path);

}  // namespace rtai::ml
