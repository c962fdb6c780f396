#pragma once
// Schema: a compact, constexpr description of a Kafka message, transcribed
// from the facts of apache/kafka's clients/src/main/resources/common/message
// JSON schemas (field names, types, versions, nullableVersions,
// flexibleVersions, tagged fields). The generic codec (codec.h) reads and
// writes any message from this description; there is no per-API parser.
//
// Tables are immutable statics; they are thread-safe to share.

#include <cstdint>
#include <span>
#include <string_view>

namespace rtai::kafka {

constexpr int16_t kMaxSchemaVersion = 0x7fff;

// An inclusive range of API versions; empty when min > max.
struct VersionRange {
  int16_t min = 1;
  int16_t max = 0;
  constexpr bool Contains(int16_t v) const { return v >= min && v <= max; }
  constexpr bool empty() const { return min > max; }
};
// "N+" in the JSON schemas.
constexpr VersionRange From(int16_t v) { return {v, kMaxSchemaVersion}; }
// "A-B" (or "A" when a == b).
constexpr VersionRange Between(int16_t a, int16_t b) { return {a, b}; }
constexpr VersionRange kNoVersions{1, 0};

enum class FieldType : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kUint16,
  kInt32,
  kInt64,
  kFloat64,
  kUuid,
  kString,
  kBytes,
  kRecords,  // bytes on the wire; always nullable
  kStruct,   // a single nested struct
  kArray,    // elements of `element` type (kStruct elements use `fields`)
};

struct FieldSpec;
using Fields = std::span<const FieldSpec>;

// One field. Built with the constexpr helpers below, e.g.
//   Field("Rack", FieldType::kString, From(1)).Nullable(From(1))
struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kInt32;
  VersionRange versions;
  VersionRange nullable = kNoVersions;
  FieldType element = FieldType::kStruct;  // for kArray
  Fields fields;                           // for kStruct / arrays of structs
  int32_t tag = -1;                        // >= 0: a tagged field
  VersionRange tagged = kNoVersions;       // versions in which it is tagged
  int64_t default_int = 0;                 // default of integer/bool fields
  bool default_null = false;               // default of nullable fields

  constexpr FieldSpec Nullable(VersionRange v) const {
    FieldSpec f = *this;
    f.nullable = v;
    return f;
  }
  constexpr FieldSpec Default(int64_t v) const {
    FieldSpec f = *this;
    f.default_int = v;
    return f;
  }
  constexpr FieldSpec DefaultNull() const {
    FieldSpec f = *this;
    f.default_null = true;
    return f;
  }
  constexpr FieldSpec Tagged(int32_t t, VersionRange v) const {
    FieldSpec f = *this;
    f.tag = t;
    f.tagged = v;
    return f;
  }
  constexpr bool IsTaggedIn(int16_t v) const { return tag >= 0 && tagged.Contains(v); }
};

constexpr FieldSpec Field(std::string_view name, FieldType type, VersionRange versions) {
  FieldSpec f;
  f.name = name;
  f.type = type;
  f.versions = versions;
  return f;
}
// "[]int32", "[]string", ...
constexpr FieldSpec ArrayOf(std::string_view name, FieldType element, VersionRange versions) {
  FieldSpec f = Field(name, FieldType::kArray, versions);
  f.element = element;
  return f;
}
// "[]SomeStruct" with its fields.
constexpr FieldSpec StructArray(std::string_view name, VersionRange versions, Fields fields) {
  FieldSpec f = Field(name, FieldType::kArray, versions);
  f.element = FieldType::kStruct;
  f.fields = fields;
  return f;
}
constexpr FieldSpec NestedStruct(std::string_view name, VersionRange versions, Fields fields) {
  FieldSpec f = Field(name, FieldType::kStruct, versions);
  f.fields = fields;
  return f;
}

// One request or response message of one API.
struct MessageSpec {
  std::string_view name;
  int16_t api_key = -1;
  VersionRange valid;     // versions this broker implements
  VersionRange flexible;  // "flexibleVersions"
  Fields fields;
};

}  // namespace rtai::kafka
