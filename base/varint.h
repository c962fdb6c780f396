#pragma once
// Variable-length integers as used by Kafka: unsigned LEB128 varints
// (compact lengths in the request protocol) and zig-zag signed varints
// (fields inside v2 records). Decoders never read past `end`.

#include <cstdint>
#include <string>

namespace rtai::varint {

constexpr int kMaxVarint32Bytes = 5;
constexpr int kMaxVarint64Bytes = 10;

inline void PutUnsigned64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
inline void PutSigned64(std::string* out, int64_t v) {
  PutUnsigned64(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
inline void PutSigned32(std::string* out, int32_t v) { PutSigned64(out, v); }

// Decodes an unsigned varint of at most `max_bytes` bytes from [*p, end).
// On success advances *p and returns true; on truncated or overlong input
// returns false and leaves *p unspecified.
inline bool GetUnsigned64(const char** p, const char* end, uint64_t* v,
                          int max_bytes = kMaxVarint64Bytes) {
  uint64_t result = 0;
  for (int shift = 0, i = 0; i < max_bytes; ++i, shift += 7) {
    if (*p >= end) return false;
    const uint8_t byte = static_cast<uint8_t>(**p);
    ++*p;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}
inline bool GetUnsigned32(const char** p, const char* end, uint32_t* v) {
  uint64_t r;
  if (!GetUnsigned64(p, end, &r, kMaxVarint32Bytes) || r > UINT32_MAX) return false;
  *v = static_cast<uint32_t>(r);
  return true;
}
inline bool GetSigned64(const char** p, const char* end, int64_t* v) {
  uint64_t r;
  if (!GetUnsigned64(p, end, &r)) return false;
  *v = static_cast<int64_t>((r >> 1) ^ (~(r & 1) + 1));
  return true;
}
inline bool GetSigned32(const char** p, const char* end, int32_t* v) {
  uint64_t r;
  if (!GetUnsigned64(p, end, &r, kMaxVarint32Bytes) || r > UINT32_MAX) return false;
  *v = static_cast<int32_t>((r >> 1) ^ (~(r & 1) + 1));
  return true;
}

inline int SizeUnsigned64(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline int SizeSigned64(int64_t v) {
  return SizeUnsigned64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

}  // namespace rtai::varint
