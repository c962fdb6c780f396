#include "engine/operators/window_operator_keys.h"

#include <cstring>

#include "base/byte_order.h"
#include "base/varint.h"

namespace rtai::engine::operators {
namespace {

constexpr uint64_t kSign = 1ull << 63;

absl::Status Malformed() { return absl::DataLossError("window state: malformed key bytes"); }

double FromOrderedBits(uint64_t u) {
  const uint64_t bits = (u & kSign) ? (u ^ kSign) : ~u;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

}  // namespace

absl::Status DecodeKeyValues(std::string_view key, const std::vector<TypeId>& types,
                             std::vector<Value>* out) {
  out->clear();
  const char* p = key.data();
  const char* end = key.data() + key.size();
  for (TypeId type : types) {
    if (p == end) return Malformed();
    const auto tag = static_cast<TypeId>(static_cast<uint8_t>(*p++));
    if (tag == TypeId::kNull) {
      out->push_back(Value::Null(type));
      continue;
    }
    switch (tag) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kDouble: {
        if (end - p < 8) return Malformed();
        const uint64_t u = LoadBigEndian<uint64_t>(p);
        p += 8;
        if (tag == TypeId::kDouble) {
          out->push_back(Value::Double(FromOrderedBits(u)));
        } else {
          const auto v = static_cast<int64_t>(u ^ kSign);
          out->push_back(tag == TypeId::kInt64 ? Value::Int64(v) : Value::Timestamp(v));
        }
        break;
      }
      case TypeId::kBool:
        if (p == end || static_cast<uint8_t>(*p) > 1) return Malformed();
        out->push_back(Value::Bool(*p++ == '\1'));
        break;
      case TypeId::kString:
      case TypeId::kBytes: {
        uint64_t len = 0;
        if (!varint::GetUnsigned64(&p, end, &len) || static_cast<uint64_t>(end - p) < len) {
          return Malformed();
        }
        const std::string_view s(p, len);
        p += len;
        out->push_back(tag == TypeId::kString ? Value::String(s) : Value::Bytes(s));
        break;
      }
      default:
        return Malformed();
    }
  }
  return p == end ? absl::OkStatus() : Malformed();
}

absl::Status DecodeWindowNamespace(std::string_view ns, window::TimeWindow* out) {
  if (ns.size() != 16) return absl::DataLossError("window state: bad window namespace");
  out->start_ms = static_cast<int64_t>(LoadBigEndian<uint64_t>(ns.data()) ^ kSign);
  out->end_ms = static_cast<int64_t>(LoadBigEndian<uint64_t>(ns.data() + 8) ^ kSign);
  if (out->start_ms >= out->end_ms) return absl::DataLossError("window state: bad window");
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
