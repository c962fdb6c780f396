#pragma once
// The generic, table-driven Kafka message codec: decodes and encodes any
// message described by a MessageSpec (schema.h) at any of its versions,
// including flexible versions (compact strings/arrays/bytes and tagged
// fields).
//
// Decoding is defensive: every declared string, bytes or array length is
// checked against the bytes that remain (arrays: count x the element's
// minimum wire size) before anything is allocated; negative lengths other
// than null (-1) are rejected, null is accepted only in nullable versions,
// tagged fields must be ascending, nesting is bounded by kMaxNestingDepth,
// at most kMaxDecodedElements array elements are decoded, and trailing
// bytes are an error. Every failure is kInvalidArgument naming
// the message, field and byte offset.
//
// Thread safety: stateless functions; safe to call concurrently.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "broker/kafka/schema.h"
#include "broker/kafka/value.h"

namespace rtai::kafka {

// Deeper schemas are a programmer error (CHECK); data cannot choose depth.
constexpr int kMaxNestingDepth = 8;
// Array elements one message may hold in total. Each decoded element costs
// far more memory than its wire bytes, so this, not the frame size, bounds
// what a request of many tiny elements (e.g. 16-byte Fetch partitions)
// can make the broker allocate.
constexpr int64_t kMaxDecodedElements = 1 << 18;

// Decodes one message body (after the header) of `spec` at `version`.
// kInvalidArgument for malformed input; kUnimplemented when `version` is
// outside spec.valid.
absl::StatusOr<StructValue> DecodeMessage(const MessageSpec& spec, int16_t version,
                                          std::string_view body);

// Appends the encoding of `value` (built from spec.fields) at `version`.
// Fields absent in `version` are skipped; a null in a non-nullable version
// is written as empty; tagged fields are written when not at their default.
void EncodeMessage(const MessageSpec& spec, int16_t version, const StructValue& value,
                   std::string* out);

// A message with every field at its schema default.
inline StructValue NewMessage(const MessageSpec& spec) { return StructValue(spec.fields); }

}  // namespace rtai::kafka
