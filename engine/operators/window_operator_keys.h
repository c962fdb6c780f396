#pragma once
// Decoding helpers of the window operator's RocksDB state: key values back
// from their canonical bytes (engine/record/key_encoding.h), so the operator
// keeps no copy of a key's column values, and windows back from their state
// namespaces. Pure functions; thread-safe.

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/record/value.h"
#include "engine/window/time_window.h"

namespace rtai::engine::operators {

// Decodes EncodeKey(values, types.size()) into *out. String and bytes values
// are views into `key`. A null becomes Value::Null(types[i]). The encoding
// is canonical, so -0.0 reads back as 0.0 and every NaN as the quiet NaN.
// kDataLoss if the bytes are not exactly types.size() encoded values.
absl::Status DecodeKeyValues(std::string_view key, const std::vector<TypeId>& types,
                             std::vector<Value>* out);

// Inverse of window::EncodeWindowNamespace; kDataLoss unless 16 bytes
// holding start < end.
absl::Status DecodeWindowNamespace(std::string_view ns, window::TimeWindow* out);

}  // namespace rtai::engine::operators
