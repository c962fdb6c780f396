#pragma once
// Canonical bytes of a key: the Values produced by a job's key-by
// expressions, serialized for hashing into a key group
// (state::KeyGroupForKey) and for prefixing keyed state. Equal keys give
// equal bytes and different keys different bytes: the encoding is a type tag
// per value, and it is prefix-free, so the parts of a composite key never run
// together ("a","bc" != "ab","c"). 0.0 and -0.0 encode alike, as do all NaNs.
// Within int64, timestamp and double, byte order (memcmp) follows value order.
//
//   null       00
//   int64      01 | u64 BE of (v XOR 2^63)
//   double     02 | u64 BE, order-preserving transform of the IEEE bits
//   string     03 | varint len | bytes
//   bool       04 | 00 or 01
//   timestamp  05 | u64 BE of (ms XOR 2^63)
//   bytes      06 | varint len | bytes

#include <cstddef>
#include <string>

#include "engine/record/value.h"

namespace rtai::engine {

// Appends the encoding of one value.
void AppendKeyBytes(const Value& v, std::string* out);

// The encoding of values[0..n) (a composite key), replacing *out.
inline void EncodeKey(const Value* values, size_t n, std::string* out) {
  out->clear();
  for (size_t i = 0; i < n; ++i) AppendKeyBytes(values[i], out);
}

}  // namespace rtai::engine
