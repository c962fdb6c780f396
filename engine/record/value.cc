#include "engine/record/value.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/record/absl_compat.h"

namespace rtai::engine {

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_ || a.null_ != b.null_) return false;
  if (a.null_) return true;
  switch (a.type_) {
    case TypeId::kDouble:
      return a.f64_ == b.f64_;
    case TypeId::kString:
    case TypeId::kBytes:
      return a.str() == b.str();
    default:
      return a.i64_ == b.i64_;
  }
}

std::string Value::DebugString() const {
  if (null_) return "null";
  switch (type_) {
    case TypeId::kNull:
      return "null";
    case TypeId::kInt64:
      return absl::StrCat(i64_);
    case TypeId::kTimestamp:
      return absl::StrCat("ts:", i64_);
    case TypeId::kDouble:
      return absl::StrCat(f64_);
    case TypeId::kBool:
      return i64_ ? "true" : "false";
    case TypeId::kString:
      return absl::StrCat("\"", absl::CEscape(ToAbsl(str())), "\"");
    case TypeId::kBytes:
      return absl::StrCat("b:", absl::BytesToHexString(ToAbsl(str())));
  }
  return "invalid";
}

}  // namespace rtai::engine
