#pragma once
// ValueState: one value per (key, namespace). Keys, namespaces and values are
// bytes; serialization is the caller's. Thread safety and lifetime:
// keyed_state_base.h.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "state/keyed_state_base.h"

namespace rtai::state {

class ValueState : public KeyedStateBase {
 public:
  explicit ValueState(const StateContext& ctx) : KeyedStateBase(ctx) {}

  // Copies the value into *value and returns true; false if absent or
  // expired. kDataLoss if the stored bytes are malformed.
  absl::StatusOr<bool> Get(std::string_view key, std::string_view ns,
                           std::string* value);
  absl::Status Put(std::string_view key, std::string_view ns,
                   std::string_view value);
  absl::Status Clear(std::string_view key, std::string_view ns);
};

}  // namespace rtai::state
