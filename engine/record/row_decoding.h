#pragma once
// The two ways every row decoder (JSON, CSV) delivers a decoded row: into a
// fresh Row, or appended to a RowBatch with the row removed again when the
// input is malformed (its strings stay in the arena until the batch is
// cleared). `decode` writes one row through the RowWriter it is given.

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "base/check.h"
#include "engine/record/row.h"
#include "engine/record/row_batch.h"
#include "engine/record/schema.h"

namespace rtai::engine {

using RowDecodeFn = absl::FunctionRef<absl::Status(RowWriter)>;

inline absl::Status DecodeIntoRow(const Schema& schema, Row* out, RowDecodeFn decode) {
  out->Reset(schema.num_fields());
  return decode(out->writer());
}

inline absl::Status DecodeAppendingRow(const Schema& schema, RowBatch* batch,
                                       RowDecodeFn decode) {
  CHECK(&batch->schema() == &schema || batch->schema() == schema);
  Value* row = batch->AddRow();
  absl::Status s = decode(RowWriter{row, &batch->arena()});
  if (!s.ok()) batch->PopRow();
  return s;
}

}  // namespace rtai::engine
