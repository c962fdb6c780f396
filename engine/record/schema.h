#pragma once
// Schema: the named, typed columns of a stream's records. Immutable after
// Create(); cheap to share by const reference or shared_ptr. Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/record/type.h"

namespace rtai::engine {

struct Field {
  std::string name;
  TypeId type;
};

class Schema {
 public:
  static constexpr size_t kMaxFields = 4096;
  static constexpr size_t kMaxNameBytes = 256;

  // Validates: 1..kMaxFields fields, names non-empty, <= kMaxNameBytes,
  // unique (case-sensitive), types not kNull. kInvalidArgument otherwise.
  static absl::StatusOr<Schema> Create(std::vector<Field> fields);

  size_t num_fields() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }
  const std::vector<Field>& fields() const { return fields_; }
  // Index of the field named `name`, or -1.
  int FindField(std::string_view name) const;
  // "name:type, ..." in column order.
  std::string DebugString() const;

  friend bool operator==(const Schema& a, const Schema& b);

 private:
  Schema() = default;
  std::vector<Field> fields_;
  absl::flat_hash_map<std::string, int> index_;
};

}  // namespace rtai::engine
