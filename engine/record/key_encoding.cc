#include "engine/record/key_encoding.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/byte_order.h"
#include "base/varint.h"

namespace rtai::engine {
namespace {

void PutU64(uint64_t v, std::string* out) {
  char b[8];
  StoreBigEndian<uint64_t>(b, v);
  out->append(b, 8);
}

// Maps doubles to u64 so that unsigned order = numeric order.
uint64_t OrderedDoubleBits(double d) {
  if (d == 0) d = 0;  // -0.0 -> 0.0
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  constexpr uint64_t kSign = 1ull << 63;
  return (bits & kSign) ? ~bits : bits ^ kSign;
}

}  // namespace

void AppendKeyBytes(const Value& v, std::string* out) {
  if (v.is_null()) {
    out->push_back('\0');
    return;
  }
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      PutU64(static_cast<uint64_t>(v.int64()) ^ (1ull << 63), out);
      return;
    case TypeId::kDouble:
      PutU64(OrderedDoubleBits(v.dbl()), out);
      return;
    case TypeId::kBool:
      out->push_back(v.boolean() ? '\1' : '\0');
      return;
    case TypeId::kString:
    case TypeId::kBytes:
      varint::PutUnsigned64(out, v.str().size());
      out->append(v.str());
      return;
    case TypeId::kNull:
      return;
  }
}

}  // namespace rtai::engine
