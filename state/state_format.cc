#include "state/state_format.h"

#include "base/byte_order.h"
#include "base/varint.h"

namespace rtai::state {
namespace {

void PutU16(uint16_t v, std::string* out) {
  char b[2];
  StoreBigEndian<uint16_t>(b, v);
  out->append(b, 2);
}

void PutExpiry(int64_t expiry_ms, std::string* out) {
  char b[8];
  StoreBigEndian<int64_t>(b, expiry_ms);
  out->append(b, 8);
}

bool GetLengthPrefixed(const char** p, const char* end, std::string_view* out) {
  uint32_t len;
  if (!varint::GetUnsigned32(p, end, &len)) return false;
  if (static_cast<size_t>(end - *p) < len) return false;
  *out = std::string_view(*p, len);
  *p += len;
  return true;
}

}  // namespace

void AppendStateKey(uint16_t key_group, uint16_t state_id, std::string_view key,
                    std::string_view ns, std::string* out) {
  PutU16(key_group, out);
  PutU16(state_id, out);
  varint::PutUnsigned64(out, key.size());
  out->append(key);
  varint::PutUnsigned64(out, ns.size());
  out->append(ns);
}

bool ParseStateKey(std::string_view raw, ParsedStateKey* out) {
  if (raw.size() < 6 || IsMetadataKey(raw)) return false;
  out->key_group = LoadBigEndian<uint16_t>(raw.data());
  out->state_id = LoadBigEndian<uint16_t>(raw.data() + 2);
  const char* p = raw.data() + 4;
  const char* end = raw.data() + raw.size();
  if (!GetLengthPrefixed(&p, end, &out->key)) return false;
  if (!GetLengthPrefixed(&p, end, &out->ns)) return false;
  out->user_key = std::string_view(p, end - p);
  return true;
}

std::string MetadataKey(std::string_view state_name) {
  std::string k("\xFF\xFFs", 3);
  k.append(state_name);
  return k;
}

bool IsMetadataKey(std::string_view raw) {
  return raw.size() >= 2 && static_cast<uint8_t>(raw[0]) == 0xFF &&
         static_cast<uint8_t>(raw[1]) == 0xFF;
}

int64_t ExpiryFor(int64_t now_ms, int64_t ttl_ms) {
  if (ttl_ms <= 0) return kNoExpiry;
  int64_t r;
  if (__builtin_add_overflow(now_ms, ttl_ms, &r)) return kNoExpiry;
  return r;
}

void AppendSingleValue(int64_t expiry_ms, std::string_view payload,
                       std::string* out) {
  if (expiry_ms == kNoExpiry) {
    out->push_back(static_cast<char>(kTagPlain));
  } else {
    out->push_back(static_cast<char>(kTagTtl));
    PutExpiry(expiry_ms, out);
  }
  out->append(payload);
}

bool ParseSingleValue(std::string_view raw, StoredValue* out) {
  if (raw.empty()) return false;
  const auto tag = static_cast<uint8_t>(raw[0]);
  if (tag == kTagPlain) {
    out->expiry_ms = kNoExpiry;
    out->payload = raw.substr(1);
    return true;
  }
  if (tag != kTagTtl || raw.size() < 9) return false;
  out->expiry_ms = LoadBigEndian<int64_t>(raw.data() + 1);
  out->payload = raw.substr(9);
  return true;
}

void AppendListFrame(int64_t expiry_ms, std::string_view payload,
                     std::string* out) {
  if (expiry_ms == kNoExpiry) {
    out->push_back(static_cast<char>(kTagListPlain));
  } else {
    out->push_back(static_cast<char>(kTagListTtl));
    PutExpiry(expiry_ms, out);
  }
  varint::PutUnsigned64(out, payload.size());
  out->append(payload);
}

bool NextListFrame(std::string_view* in, StoredValue* out) {
  if (in->empty()) return false;
  const auto tag = static_cast<uint8_t>((*in)[0]);
  size_t header = 1;
  if (tag == kTagListPlain) {
    out->expiry_ms = kNoExpiry;
  } else if (tag == kTagListTtl && in->size() >= 9) {
    out->expiry_ms = LoadBigEndian<int64_t>(in->data() + 1);
    header = 9;
  } else {
    return false;
  }
  const char* p = in->data() + header;
  const char* end = in->data() + in->size();
  if (!GetLengthPrefixed(&p, end, &out->payload)) return false;
  *in = std::string_view(p, end - p);
  return true;
}

}  // namespace rtai::state
