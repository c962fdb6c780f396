#pragma once
// Decodes a broker value holding one CSV line (RFC 4180 quoting) into a Row:
// fields map to columns by position and the count must equal the schema's.
// An empty unquoted field is null; a quoted empty field ("") is the empty
// string for string columns. Quoted fields may contain the delimiter, ""
// (a quote) and line breaks. A single trailing "\n" or "\r\n" is ignored.
// Type mapping: int64/double/timestamp as text (timestamp: integer ms or
// RFC 3339), bool true/false/1/0 (any case), bytes base64. Every failure is
// kInvalidArgument naming the field:
//   csv: field `price` (column 3): expected int64, got "abc"

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/record/row.h"
#include "engine/record/row_batch.h"
#include "engine/record/schema.h"

namespace rtai::engine {

struct CsvDecodeOptions {
  // Default: ','. Must not be '"', '\r' or '\n'.
  char delimiter = ',';
  // Default: 1 MiB. Larger inputs are rejected before parsing.
  size_t max_input_bytes = 1 << 20;
};

// Not thread-safe per decoder (holds scratch space); reuse one per task.
class CsvRowDecoder {
 public:
  explicit CsvRowDecoder(const Schema* schema, CsvDecodeOptions options = {});

  // Resets `out` to schema width and fills it. On error `out` is unspecified.
  absl::Status Decode(std::string_view input, Row* out);
  // Appends the decoded record to `batch` (whose schema must be this
  // decoder's), its strings in the batch's arena: the source hot path, with
  // no intermediate Row. On error the batch is unchanged (but for arena bytes).
  absl::Status DecodeAppend(std::string_view input, RowBatch* batch);

 private:
  absl::Status DecodeInto(std::string_view input, RowWriter out);
  absl::Status SetField(size_t idx, std::string_view text, bool quoted,
                        RowWriter out);

  const Schema* schema_;
  CsvDecodeOptions options_;
  std::string unquoted_;
  std::string scratch_;
};

}  // namespace rtai::engine
