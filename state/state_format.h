#pragma once
// The byte layout of keyed state in RocksDB (spec: docs/ENGINE.md, "Keyed
// state"). Pure functions, shared by the states and the TTL compaction
// filter.
//
// Key (in the operator's column family):
//   key_group u16 BE | state_id u16 BE | varint32 len | key | varint32 len |
//   namespace | [map user key, MapState only]
// Metadata key (same column family): FF FF | 's' | state name.
// Single value (ValueState, MapState entry, AggregatingState):
//   tag u8 (0 = no TTL, 1 = TTL) | [expiry ms i64 BE if tag 1] | payload
// List value (ListState): a concatenation of frames, one per element:
//   tag u8 (2 = no TTL, 3 = TTL) | [expiry i64 BE if 3] | varint32 len |
//   payload
// A value's first byte tells single from list, so the compaction filter needs
// no per-state configuration.

#include <cstdint>
#include <string>
#include <string_view>

namespace rtai::state {

inline constexpr uint16_t kMetadataKeyGroup = 0xFFFF;
inline constexpr uint8_t kTagPlain = 0, kTagTtl = 1, kTagListPlain = 2,
                         kTagListTtl = 3;
// Expiry for values without TTL.
inline constexpr int64_t kNoExpiry = INT64_MAX;

// Appends the key prefix up to and including the namespace.
void AppendStateKey(uint16_t key_group, uint16_t state_id, std::string_view key,
                    std::string_view ns, std::string* out);

struct ParsedStateKey {
  uint16_t key_group;
  uint16_t state_id;
  std::string_view key;
  std::string_view ns;
  std::string_view user_key;  // remaining bytes (MapState)
};
// False if `raw` is not a well-formed state key (e.g. a metadata key).
bool ParseStateKey(std::string_view raw, ParsedStateKey* out);

std::string MetadataKey(std::string_view state_name);
bool IsMetadataKey(std::string_view raw);

// Single values.
void AppendSingleValue(int64_t expiry_ms, std::string_view payload,
                       std::string* out);
struct StoredValue {
  int64_t expiry_ms;  // kNoExpiry without TTL
  std::string_view payload;
};
// False if `raw` is not a well-formed single value.
bool ParseSingleValue(std::string_view raw, StoredValue* out);

// List frames.
void AppendListFrame(int64_t expiry_ms, std::string_view payload,
                     std::string* out);
// Reads the frame at the front of *in and advances it. False on malformed
// input (then *in is unspecified).
bool NextListFrame(std::string_view* in, StoredValue* out);

inline bool IsExpired(int64_t expiry_ms, int64_t now_ms) {
  return now_ms >= expiry_ms;
}
// now + ttl without overflow; kNoExpiry when ttl_ms <= 0 (no TTL).
int64_t ExpiryFor(int64_t now_ms, int64_t ttl_ms);

}  // namespace rtai::state
