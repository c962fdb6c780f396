#pragma once
// Encodes a row as one JSON object (the broker sink's value format):
// {"col": value, ...} in schema order. int64 and timestamp (ms) are numbers,
// doubles are numbers in shortest round-trip form (NaN and infinities become
// null: JSON has no such numbers), strings are escaped per RFC 8259 (invalid
// UTF-8 bytes become U+FFFD), bytes are base64 strings, nulls are null.
// The engine's JSON decoder reads this form back into the same schema.

#include <string>

#include "engine/record/schema.h"
#include "engine/record/value.h"

namespace rtai::engine::io {

void AppendJsonRow(const Schema& schema, const Value* row, std::string* out);
// A value as sink key text: strings as is, numbers in decimal, null as "".
void AppendKeyText(const Value& v, std::string* out);

}  // namespace rtai::engine::io
