#pragma once
// Decodes a broker value holding one JSON object into a Row against a Schema.
// Object members map to columns by name; missing members and JSON null give
// typed nulls. Every failure is kInvalidArgument with a message naming the
// field and byte position, meant for the dead-letter record:
//   json: field `price`: expected int64, got string at byte 17
// Type mapping: int64 <- integer number; double <- any number; bool <-
// true/false; string <- string; timestamp <- integer ms or RFC 3339 string;
// bytes <- base64 string. Never crashes on any input (fuzzed in tests).

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/record/row.h"
#include "engine/record/row_batch.h"
#include "engine/record/schema.h"

namespace rtai::engine {

class JsonReader;

struct JsonDecodeOptions {
  // Default: 1 MiB. Larger inputs are rejected before parsing.
  size_t max_input_bytes = 1 << 20;
  // Default: 32 levels of nesting (inside skipped members).
  int max_depth = 32;
  // Default: true. When false, a member with no column is an error.
  bool ignore_unknown_fields = true;
};

// Not thread-safe per decoder (holds scratch space); reuse one per task.
class JsonRowDecoder {
 public:
  explicit JsonRowDecoder(const Schema* schema, JsonDecodeOptions options = {})
      : schema_(schema), options_(options) {}

  // Resets `out` to schema width and fills it. On error `out` is unspecified.
  absl::Status Decode(std::string_view input, Row* out);
  // Appends the decoded record to `batch` (whose schema must be this
  // decoder's), its strings in the batch's arena: the source hot path, with
  // no intermediate Row. On error the batch is unchanged (but for arena bytes).
  absl::Status DecodeAppend(std::string_view input, RowBatch* batch);

 private:
  // Fills out.values[0..width) (typed nulls first).
  absl::Status DecodeInto(std::string_view input, RowWriter out);
  absl::Status DecodeField(JsonReader& r, const Field& f, int idx,
                           RowWriter out);

  const Schema* schema_;
  JsonDecodeOptions options_;
  std::string scratch_;
  std::string scratch2_;
};

}  // namespace rtai::engine
