#include "engine/ml/registry/model_ref.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::ml {

std::string ModelRef::ToString() const {
  return champion() ? absl::StrCat(name, "@champion")
                    : absl::StrCat(name, "@", version);
}

absl::Status ValidateModelName(absl::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid model name \"", name.substr(0, 200),
                     "\": use 1 to 128 characters of [A-Za-z0-9._-], not "
                     "starting with '.'"));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid model name \"", name,
                       "\": only [A-Za-z0-9._-] are allowed"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelRef> ParseModelRef(absl::string_view ref) {
  ModelRef out;
  const size_t at = ref.find('@');
  RETURN_IF_ERROR(ValidateModelName(ref.substr(0, at)));
  out.name = std::string(ref.substr(0, at));
  if (at == absl::string_view::npos) return out;
  const absl::string_view selector = ref.substr(at + 1);
  if (selector == "champion") return out;
  int64_t v = 0;
  if (!absl::SimpleAtoi(selector, &v) || v <= 0 ||
      selector.find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid model reference \"", ref,
        "\": use NAME, NAME@champion or NAME@VERSION (VERSION a positive "
        "integer)"));
  }
  out.version = v;
  return out;
}

}  // namespace rtai::ml
