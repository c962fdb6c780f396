#pragma once
// Test helpers: builds Kafka v2 record batches (uncompressed) and decodes
// the records of batches, so tests check what clients would see.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_order.h"
#include "base/crc32c.h"
#include "base/varint.h"

namespace rtai::kafka::testing {

struct TestRecord {
  std::string key;
  std::string value;
};

inline std::string BuildBatch(const std::vector<TestRecord>& records, int64_t base_ts = 1000) {
  std::string body;
  for (size_t i = 0; i < records.size(); ++i) {
    std::string r;
    r.push_back(0);                                  // attributes
    varint::PutSigned64(&r, static_cast<int64_t>(i));  // timestamp delta
    varint::PutSigned32(&r, static_cast<int32_t>(i));  // offset delta
    varint::PutSigned32(&r, static_cast<int32_t>(records[i].key.size()));
    r += records[i].key;
    varint::PutSigned32(&r, static_cast<int32_t>(records[i].value.size()));
    r += records[i].value;
    varint::PutSigned32(&r, 0);  // headers
    varint::PutSigned32(&body, static_cast<int32_t>(r.size()));
    body += r;
  }
  std::string b(61, '\0');
  const int32_t n = static_cast<int32_t>(records.size());
  StoreBigEndian<int64_t>(&b[0], 0);
  StoreBigEndian<int32_t>(&b[8], static_cast<int32_t>(49 + body.size()));
  StoreBigEndian<int32_t>(&b[12], -1);
  b[16] = 2;
  StoreBigEndian<int16_t>(&b[21], 0);
  StoreBigEndian<int32_t>(&b[23], n - 1);
  StoreBigEndian<int64_t>(&b[27], base_ts);
  StoreBigEndian<int64_t>(&b[35], base_ts + n - 1);
  StoreBigEndian<int64_t>(&b[43], -1);
  StoreBigEndian<int16_t>(&b[51], -1);
  StoreBigEndian<int32_t>(&b[53], -1);
  StoreBigEndian<int32_t>(&b[57], n);
  b += body;
  StoreBigEndian<uint32_t>(&b[17], crc32c::Value(b.data() + 21, b.size() - 21));
  return b;
}

// (offset, value) of every record in `batches` (uncompressed v2 only).
inline std::vector<std::pair<int64_t, std::string>> DecodeValues(const std::string& batches) {
  std::vector<std::pair<int64_t, std::string>> out;
  size_t pos = 0;
  while (pos + 61 <= batches.size()) {
    const char* b = batches.data() + pos;
    const int64_t base = LoadBigEndian<int64_t>(b);
    const size_t size = static_cast<size_t>(LoadBigEndian<int32_t>(b + 8)) + 12;
    const int32_t count = LoadBigEndian<int32_t>(b + 57);
    const char* p = b + 61;
    const char* end = b + size;
    for (int32_t i = 0; i < count; ++i) {
      int32_t len, key_len, value_len, offset_delta;
      int64_t ts_delta;
      varint::GetSigned32(&p, end, &len);
      const char* next = p + len;
      ++p;  // attributes
      varint::GetSigned64(&p, end, &ts_delta);
      varint::GetSigned32(&p, end, &offset_delta);
      varint::GetSigned32(&p, end, &key_len);
      p += key_len > 0 ? key_len : 0;
      varint::GetSigned32(&p, end, &value_len);
      out.emplace_back(base + offset_delta, std::string(p, value_len > 0 ? value_len : 0));
      p = next;
    }
    pos += size;
  }
  return out;
}

}  // namespace rtai::kafka::testing
