#include "broker/topic/topic_name.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rtai::broker {
namespace {

bool IsLegalChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

absl::Status ValidateTopicName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("topic name is empty");
  if (name.size() > kMaxTopicNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic name is ", name.size(),
                     " characters; the limit is ", kMaxTopicNameLength));
  }
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("topic name cannot be \"", name, "\""));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsLegalChar(name[i])) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "topic name \"%s\" has an illegal character 0x%02x at position %d; "
          "allowed are a-z A-Z 0-9 . _ -",
          absl::CHexEscape(name), static_cast<unsigned char>(name[i]), i));
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::broker
