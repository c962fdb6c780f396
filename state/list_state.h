#pragma once
// ListState: an append-friendly list per (key, namespace). Add() is a
// RocksDB Merge of one self-delimiting frame (a blind write: no read, O(1));
// Get() reads the merged value once and returns the live elements in append
// order. With a TTL each element expires on its own. Thread safety and
// lifetime: keyed_state_base.h.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "state/keyed_state_base.h"

namespace rtai::state {

class ListState : public KeyedStateBase {
 public:
  explicit ListState(const StateContext& ctx) : KeyedStateBase(ctx) {}

  absl::Status Add(std::string_view key, std::string_view ns,
                   std::string_view value);
  absl::Status AddAll(std::string_view key, std::string_view ns,
                      const std::vector<std::string>& values);
  // Live elements in append order; empty when there are none.
  absl::StatusOr<std::vector<std::string>> Get(std::string_view key,
                                               std::string_view ns);
  // Replaces the list (an empty `values` clears it).
  absl::Status Update(std::string_view key, std::string_view ns,
                      const std::vector<std::string>& values);
  absl::Status Clear(std::string_view key, std::string_view ns);
};

}  // namespace rtai::state
