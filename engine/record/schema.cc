#include "engine/record/schema.h"

#include "absl/strings/str_cat.h"
#include "engine/record/absl_compat.h"

namespace rtai::engine {

absl::StatusOr<Schema> Schema::Create(std::vector<Field> fields) {
  if (fields.empty() || fields.size() > kMaxFields) {
    return absl::InvalidArgumentError(absl::StrCat(
        "schema must have 1..", kMaxFields, " fields, got ", fields.size()));
  }
  Schema schema;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (f.name.empty() || f.name.size() > kMaxNameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "schema field ", i, ": name must be 1..", kMaxNameBytes, " bytes"));
    }
    if (f.type == TypeId::kNull || static_cast<int>(f.type) > kMaxTypeId) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema field `", f.name, "`: invalid type"));
    }
    if (!schema.index_.emplace(f.name, static_cast<int>(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema field `", f.name, "` appears twice"));
    }
  }
  schema.fields_ = std::move(fields);
  return schema;
}

int Schema::FindField(std::string_view name) const {
  auto it = index_.find(ToAbsl(name));
  return it == index_.end() ? -1 : it->second;
}

std::string Schema::DebugString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", fields_[i].name, ":",
                    ToAbsl(TypeName(fields_[i].type)));
  }
  return out;
}

bool operator==(const Schema& a, const Schema& b) {
  if (a.fields_.size() != b.fields_.size()) return false;
  for (size_t i = 0; i < a.fields_.size(); ++i) {
    if (a.fields_[i].name != b.fields_[i].name ||
        a.fields_[i].type != b.fields_[i].type) {
      return false;
    }
  }
  return true;
}

}  // namespace rtai::engine
