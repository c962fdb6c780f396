#pragma once
// Value: one typed, nullable field, 16 bytes, trivially copyable. Scalars are
// stored inline (no heap allocation on the hot path); strings and bytes are
// borrowed views into memory owned elsewhere (a Row's or RowBatch's Arena, an
// evaluator's scratch arena, or a decoded buffer) and are valid only as long
// as that owner. Strings are limited to 4 GiB - 1 by the 32-bit length.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/check.h"
#include "engine/record/type.h"

namespace rtai::engine {

class Value {
 public:
  // A null of type kNull.
  constexpr Value()
      : i64_(0), size_(0), type_(TypeId::kNull), null_(true), reserved_(0) {}

  static constexpr Value Null(TypeId type = TypeId::kNull) {
    Value v;
    v.type_ = type;
    return v;
  }
  static constexpr Value Int64(int64_t x) { return FromInt(TypeId::kInt64, x); }
  static constexpr Value Timestamp(int64_t ms) {
    return FromInt(TypeId::kTimestamp, ms);
  }
  static Value Double(double x) {
    Value v(TypeId::kDouble);
    v.f64_ = x;
    return v;
  }
  static constexpr Value Bool(bool x) {
    Value v(TypeId::kBool);
    v.i64_ = x ? 1 : 0;
    return v;
  }
  // Borrows `s`: the caller keeps the bytes alive while the Value is used.
  static Value String(std::string_view s) {
    return FromView(TypeId::kString, s);
  }
  static Value Bytes(std::string_view s) { return FromView(TypeId::kBytes, s); }

  TypeId type() const { return type_; }
  bool is_null() const { return null_; }

  int64_t int64() const {
    DCHECK(!null_ && (type_ == TypeId::kInt64 || type_ == TypeId::kTimestamp));
    return i64_;
  }
  int64_t timestamp_ms() const { return int64(); }
  double dbl() const {
    DCHECK(!null_ && type_ == TypeId::kDouble);
    return f64_;
  }
  bool boolean() const {
    DCHECK(!null_ && type_ == TypeId::kBool);
    return i64_ != 0;
  }
  // For kString and kBytes.
  std::string_view str() const {
    DCHECK(!null_ && (type_ == TypeId::kString || type_ == TypeId::kBytes));
    return std::string_view(ptr_, size_);
  }

  // Same type, same nullness, equal content (doubles compare by value, so
  // NaN != NaN). For tests and keys, not SQL equality.
  friend bool operator==(const Value& a, const Value& b);
  // "null", "42", "1.5", "\"text\"", "true", "ts:1700000000000", "b:6869".
  std::string DebugString() const;

 private:
  constexpr explicit Value(TypeId type)
      : i64_(0), size_(0), type_(type), null_(false), reserved_(0) {}
  static constexpr Value FromInt(TypeId type, int64_t x) {
    Value v(type);
    v.i64_ = x;
    return v;
  }
  static Value FromView(TypeId type, std::string_view s) {
    CHECK(s.size() <= UINT32_MAX);
    Value v(type);
    v.ptr_ = s.data();
    v.size_ = static_cast<uint32_t>(s.size());
    return v;
  }

  union {
    int64_t i64_;  // kInt64, kTimestamp, kBool (0/1)
    double f64_;
    const char* ptr_;  // kString, kBytes
  };
  uint32_t size_;
  TypeId type_;
  bool null_;
  // Always 0: with no padding bytes, copies and constructions are whole
  // 8-byte words (measurably faster register traffic in the evaluator).
  uint16_t reserved_;
};
static_assert(sizeof(Value) == 16, "Value is 16 bytes on the hot path");
static_assert(std::is_trivially_copyable_v<Value>);

}  // namespace rtai::engine
