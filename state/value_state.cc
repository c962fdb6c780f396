#include "state/value_state.h"

namespace rtai::state {

absl::StatusOr<bool> ValueState::Get(std::string_view key, std::string_view ns,
                                     std::string* value) {
  return ReadSingle(key, ns, "value", value);
}

absl::Status ValueState::Put(std::string_view key, std::string_view ns,
                             std::string_view value) {
  return WriteSingle(key, ns, value);
}

absl::Status ValueState::Clear(std::string_view key, std::string_view ns) {
  return Delete(MakeKey(key, ns));
}

}  // namespace rtai::state
