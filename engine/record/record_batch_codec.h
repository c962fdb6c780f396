#pragma once
// Encoding of a RowBatch as the FlatBuffers RecordBatch of
// proto/engine_record.fbs (columnar; see docs/ENGINE.md for why), and its
// strict decoding: every buffer is verified (FlatBuffers Verifier) and then
// checked for consistency (schema, vector lengths, offsets, validity bitmap)
// before any value is read, so a corrupt batch is a Status, never a crash.

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/record/row_batch.h"
#include "engine/record/schema.h"

namespace rtai::engine {

struct RecordBatchLimits {
  // Default: 1,048,576 rows per batch.
  size_t max_rows = 1 << 20;
  // Default: 256 MiB of encoded bytes.
  size_t max_bytes = 256u << 20;
};

// Encodes all rows of `batch` with its schema.
std::string EncodeRecordBatch(const RowBatch& batch);

// Reads only the schema carried by an encoded batch.
absl::StatusOr<Schema> DecodeRecordBatchSchema(
    std::string_view bytes, const RecordBatchLimits& limits = {});

// Appends the rows of an encoded batch to `out`. The encoded schema must equal
// out->schema() (kInvalidArgument naming the first difference otherwise).
// Strings are copied into out's arena, so `bytes` may be freed afterwards.
// On error, `out` may hold some of the rows.
absl::Status DecodeRecordBatch(std::string_view bytes, RowBatch* out,
                               const RecordBatchLimits& limits = {});

}  // namespace rtai::engine
