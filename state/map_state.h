#pragma once
// MapState: a map of user key -> value per (key, namespace). Each entry is
// its own RocksDB key (the state key prefix followed by the user key), so
// Put/Get/Remove touch one entry and iteration is a prefix scan in user-key
// byte order. With a TTL each entry expires on its own. Thread safety and
// lifetime: keyed_state_base.h.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "state/keyed_state_base.h"

namespace rtai::state {

class MapState : public KeyedStateBase {
 public:
  explicit MapState(const StateContext& ctx) : KeyedStateBase(ctx) {}

  // Copies the entry's value into *value and returns true; false if absent
  // or expired.
  absl::StatusOr<bool> Get(std::string_view key, std::string_view ns,
                           std::string_view user_key, std::string* value);
  absl::Status Put(std::string_view key, std::string_view ns,
                   std::string_view user_key, std::string_view value);
  absl::Status Remove(std::string_view key, std::string_view ns,
                      std::string_view user_key);

  // Calls fn(user_key, value) for each live entry in user-key byte order,
  // stopping early when fn returns false. The views are valid during the call.
  absl::Status ForEach(
      std::string_view key, std::string_view ns,
      const std::function<bool(std::string_view, std::string_view)>& fn);
  absl::StatusOr<bool> IsEmpty(std::string_view key, std::string_view ns);
  // Removes every entry of (key, ns).
  absl::Status Clear(std::string_view key, std::string_view ns);
};

}  // namespace rtai::state
