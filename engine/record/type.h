#pragma once
// The engine's column types. Every column is nullable; a Value carries its
// own null flag. kNull is the type of the literal `null` in expressions and
// is never the type of a schema column.

#include <cstdint>
#include <optional>
#include <string_view>

namespace rtai::engine {

enum class TypeId : uint8_t {
  kNull = 0,
  kInt64 = 1,
  kDouble = 2,
  kString = 3,  // UTF-8 text
  kBool = 4,
  kTimestamp = 5,  // milliseconds since the Unix epoch, int64
  kBytes = 6,
};
inline constexpr int kMaxTypeId = 6;

// "int64", "double", "string", "bool", "timestamp", "bytes", "null".
std::string_view TypeName(TypeId type);

// Parses a type name, case-insensitive, with aliases: int/int64/bigint/long,
// double/float/float64, string/varchar/text, bool/boolean, timestamp,
// bytes/binary. nullopt for anything else (including "null").
std::optional<TypeId> ParseTypeName(std::string_view name);

inline bool IsNumeric(TypeId t) {
  return t == TypeId::kInt64 || t == TypeId::kDouble;
}

}  // namespace rtai::engine
