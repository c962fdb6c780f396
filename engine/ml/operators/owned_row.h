#pragma once
// OwnedRow: a copy of one engine row that owns its strings, for operators
// that keep records across batches (champion_challenger's event-time buffer)
// and must serialize them into operator state. Encode/Decode use the
// state_codec primitives: per value a type byte, a null byte, then the
// int64 / double bits / length-prefixed bytes. Movable; not thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/ml/state_codec.h"
#include "engine/record/row_batch.h"

namespace rtai::ml::ops {

class OwnedRow {
 public:
  OwnedRow() = default;
  OwnedRow(const engine::Value* row, size_t width);
  OwnedRow(OwnedRow&&) = default;
  OwnedRow& operator=(OwnedRow&&) = default;

  size_t size() const { return values_.size(); }
  // The values; string/bytes values point into strings_, whose elements keep
  // their addresses when the OwnedRow is moved (vector move steals storage).
  const engine::Value* values() const { return values_.data(); }
  // Appends values() to `batch` (whose first size() columns match).
  // Copies the values into out[0 .. size()) with strings copied into batch's arena.
  void CopyTo(engine::RowBatch* batch, engine::Value* out) const;

  void Encode(StateWriter* w) const;
  // Decodes a row of exactly `schema`'s width and types (nulls allowed).
  static absl::StatusOr<OwnedRow> Decode(StateReader* r, const engine::Schema& schema);

 private:
  std::vector<engine::Value> values_;
  std::vector<std::string> strings_;  // one per value (empty if not string)
};

}  // namespace rtai::ml::ops
