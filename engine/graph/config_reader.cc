#include "engine/graph/config_reader.h"

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"

namespace rtai::engine::graph {
namespace {

using google::protobuf::Value;

std::string KindName(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue: return "null";
    case Value::kNumberValue: return "number";
    case Value::kStringValue: return "string";
    case Value::kBoolValue: return "bool";
    case Value::kStructValue: return "object";
    case Value::kListValue: return "list";
    default: return "nothing";
  }
}

// JSON numbers arrive as doubles; integers must be exact and within +-2^53.
bool AsInt(const Value& v, int64_t* out) {
  if (v.kind_case() != Value::kNumberValue) return false;
  const double d = v.number_value();
  if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9007199254740992.0) {
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

}  // namespace

absl::Status ConfigReader::Error(const std::string& name,
                                 const std::string& message) const {
  return absl::InvalidArgumentError(
      absl::StrCat(context_, ": config field `", name, "` ", message));
}

const Value* ConfigReader::Find(const std::string& name) {
  seen_.insert(name);
  if (config_ == nullptr) return nullptr;
  auto it = config_->fields().find(name);
  if (it == config_->fields().end() ||
      it->second.kind_case() == Value::kNullValue) {
    return nullptr;
  }
  return &it->second;
}

bool ConfigReader::Has(const std::string& name) const {
  return config_ != nullptr && config_->fields().contains(name);
}

absl::StatusOr<std::string> ConfigReader::String(const std::string& name) {
  const Value* v = Find(name);
  if (v == nullptr) return Error(name, "is required");
  if (v->kind_case() != Value::kStringValue) {
    return Error(name, absl::StrCat("must be a string, got ", KindName(*v)));
  }
  return v->string_value();
}

absl::StatusOr<std::string> ConfigReader::String(const std::string& name,
                                                 const std::string& fallback) {
  if (Find(name) == nullptr) return fallback;
  return String(name);
}

absl::StatusOr<double> ConfigReader::Double(const std::string& name, double fallback) {
  const Value* v = Find(name);
  if (v == nullptr) return fallback;
  if (v->kind_case() != Value::kNumberValue || !std::isfinite(v->number_value())) {
    return Error(name, absl::StrCat("must be a finite number, got ", KindName(*v)));
  }
  return v->number_value();
}

absl::StatusOr<int64_t> ConfigReader::Int(const std::string& name) {
  const Value* v = Find(name);
  if (v == nullptr) return Error(name, "is required");
  int64_t out = 0;
  if (!AsInt(*v, &out)) {
    return Error(name, absl::StrCat("must be an integer, got ",
                                    v->kind_case() == Value::kNumberValue
                                        ? absl::StrCat(v->number_value())
                                        : KindName(*v)));
  }
  return out;
}

absl::StatusOr<int64_t> ConfigReader::Int(const std::string& name,
                                          int64_t fallback) {
  if (Find(name) == nullptr) return fallback;
  return Int(name);
}

absl::StatusOr<bool> ConfigReader::Bool(const std::string& name, bool fallback) {
  const Value* v = Find(name);
  if (v == nullptr) return fallback;
  if (v->kind_case() != Value::kBoolValue) {
    return Error(name, absl::StrCat("must be true or false, got ", KindName(*v)));
  }
  return v->bool_value();
}

absl::StatusOr<std::vector<std::string>> ConfigReader::StringList(
    const std::string& name, bool required) {
  const Value* v = Find(name);
  std::vector<std::string> out;
  if (v == nullptr) {
    if (required) return Error(name, "is required");
    return out;
  }
  if (v->kind_case() != Value::kListValue) {
    return Error(name, absl::StrCat("must be a list of strings, got ", KindName(*v)));
  }
  for (int i = 0; i < v->list_value().values_size(); ++i) {
    const Value& e = v->list_value().values(i);
    if (e.kind_case() != Value::kStringValue) {
      return Error(name, absl::StrCat("[", i, "] must be a string, got ", KindName(e)));
    }
    out.push_back(e.string_value());
  }
  if (required && out.empty()) return Error(name, "must not be empty");
  return out;
}

absl::StatusOr<std::vector<int64_t>> ConfigReader::IntList(const std::string& name) {
  const Value* v = Find(name);
  std::vector<int64_t> out;
  if (v == nullptr) return out;
  if (v->kind_case() != Value::kListValue) {
    return Error(name, absl::StrCat("must be a list of integers, got ", KindName(*v)));
  }
  for (int i = 0; i < v->list_value().values_size(); ++i) {
    int64_t x = 0;
    if (!AsInt(v->list_value().values(i), &x)) {
      return Error(name, absl::StrCat("[", i, "] must be an integer"));
    }
    out.push_back(x);
  }
  return out;
}

absl::StatusOr<std::vector<const google::protobuf::Struct*>>
ConfigReader::ObjectList(const std::string& name, bool required) {
  const Value* v = Find(name);
  std::vector<const google::protobuf::Struct*> out;
  if (v == nullptr) {
    if (required) return Error(name, "is required");
    return out;
  }
  if (v->kind_case() != Value::kListValue) {
    return Error(name, absl::StrCat("must be a list of objects, got ", KindName(*v)));
  }
  for (int i = 0; i < v->list_value().values_size(); ++i) {
    const Value& e = v->list_value().values(i);
    if (e.kind_case() != Value::kStructValue) {
      return Error(name, absl::StrCat("[", i, "] must be an object, got ", KindName(e)));
    }
    out.push_back(&e.struct_value());
  }
  if (required && out.empty()) return Error(name, "must not be empty");
  return out;
}

absl::StatusOr<const google::protobuf::Struct*> ConfigReader::Object(
    const std::string& name) {
  const Value* v = Find(name);
  if (v == nullptr) return Error(name, "is required");
  if (v->kind_case() != Value::kStructValue) {
    return Error(name, absl::StrCat("must be an object, got ", KindName(*v)));
  }
  return &v->struct_value();
}

absl::Status ConfigReader::Finish() const {
  if (config_ == nullptr) return absl::OkStatus();
  // Sorted so the error names the same field every time.
  std::map<std::string, int> names;
  for (const auto& [k, v] : config_->fields()) names[k] = 0;
  for (const auto& [k, v] : names) {
    if (!seen_.contains(k)) {
      return absl::InvalidArgumentError(
          absl::StrCat(context_, ": unknown config field `", k, "`"));
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::graph
