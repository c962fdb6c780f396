#pragma once
// A model reference as written in a job graph: "NAME" (the champion),
// "NAME@champion", or "NAME@VERSION" (a positive integer). Job graphs never
// name a file path; the registry resolves references (model_registry.h).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

struct ModelRef {
  std::string name;
  // 0 means "the champion".
  int64_t version = 0;

  bool champion() const { return version == 0; }
  // "NAME@champion" or "NAME@VERSION".
  std::string ToString() const;
};

// Model names: 1..128 characters of [A-Za-z0-9._-], not starting with '.'.
absl::Status ValidateModelName(absl::string_view name);

// InvalidArgument with the accepted forms for anything malformed.
absl::StatusOr<ModelRef> ParseModelRef(absl::string_view ref);

}  // namespace rtai::ml
