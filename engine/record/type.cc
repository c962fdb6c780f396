#include "engine/record/type.h"

#include <array>
#include <cctype>
#include <string>

namespace rtai::engine {

std::string_view TypeName(TypeId type) {
  switch (type) {
    case TypeId::kNull:
      return "null";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kDouble:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kBool:
      return "bool";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kBytes:
      return "bytes";
  }
  return "invalid";
}

std::optional<TypeId> ParseTypeName(std::string_view name) {
  if (name.size() > 16) return std::nullopt;
  std::string lower(name);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct Alias {
    std::string_view name;
    TypeId type;
  };
  static constexpr std::array<Alias, 15> kAliases = {{
      {"int", TypeId::kInt64},
      {"int64", TypeId::kInt64},
      {"bigint", TypeId::kInt64},
      {"long", TypeId::kInt64},
      {"double", TypeId::kDouble},
      {"float", TypeId::kDouble},
      {"float64", TypeId::kDouble},
      {"string", TypeId::kString},
      {"varchar", TypeId::kString},
      {"text", TypeId::kString},
      {"bool", TypeId::kBool},
      {"boolean", TypeId::kBool},
      {"timestamp", TypeId::kTimestamp},
      {"bytes", TypeId::kBytes},
      {"binary", TypeId::kBytes},
  }};
  for (const Alias& a : kAliases) {
    if (a.name == lower) return a.type;
  }
  return std::nullopt;
}

}  // namespace rtai::engine
