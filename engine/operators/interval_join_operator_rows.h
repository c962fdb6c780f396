#pragma once
// The interval join's buffered rows as bytes (its RocksDB ListState
// elements): ts i64 BE, then per column a tag byte — TypeId, or 0x80|TypeId
// for a null of that type — and the value: int64/timestamp/double 8 bytes
// (raw bits, BE), bool 1 byte, string/bytes varint length + bytes. Exact:
// a row reads back equal, null types and -0.0 included. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/record/value.h"

namespace rtai::engine::operators {

void EncodeJoinRow(int64_t ts, const Value* row, size_t width, std::string* out);
// Views into `bytes`. kDataLoss unless `bytes` holds exactly one row of
// `width` columns.
absl::Status DecodeJoinRow(std::string_view bytes, size_t width, int64_t* ts,
                           std::vector<Value>* out);
// The timestamp alone (first 8 bytes); kDataLoss if shorter.
absl::Status JoinRowTime(std::string_view bytes, int64_t* ts);

}  // namespace rtai::engine::operators
