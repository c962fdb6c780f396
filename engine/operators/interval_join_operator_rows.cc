#include "engine/operators/interval_join_operator_rows.h"

#include <cstring>

#include "base/byte_order.h"
#include "base/varint.h"

namespace rtai::engine::operators {
namespace {

constexpr uint8_t kNullBit = 0x80;

absl::Status Malformed() { return absl::DataLossError("interval join state: malformed row"); }

void PutU64(uint64_t v, std::string* out) {
  char b[8];
  StoreBigEndian<uint64_t>(b, v);
  out->append(b, 8);
}

}  // namespace

void EncodeJoinRow(int64_t ts, const Value* row, size_t width, std::string* out) {
  PutU64(static_cast<uint64_t>(ts), out);
  for (size_t c = 0; c < width; ++c) {
    const Value& v = row[c];
    const auto type = static_cast<uint8_t>(v.type());
    if (v.is_null()) {
      out->push_back(static_cast<char>(kNullBit | type));
      continue;
    }
    out->push_back(static_cast<char>(type));
    switch (v.type()) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        PutU64(static_cast<uint64_t>(v.int64()), out);
        break;
      case TypeId::kDouble: {
        uint64_t bits;
        const double d = v.dbl();
        std::memcpy(&bits, &d, 8);
        PutU64(bits, out);
        break;
      }
      case TypeId::kBool:
        out->push_back(v.boolean() ? '\1' : '\0');
        break;
      case TypeId::kString:
      case TypeId::kBytes:
        varint::PutUnsigned64(out, v.str().size());
        out->append(v.str());
        break;
      case TypeId::kNull:
        break;
    }
  }
}

absl::Status JoinRowTime(std::string_view bytes, int64_t* ts) {
  if (bytes.size() < 8) return Malformed();
  *ts = static_cast<int64_t>(LoadBigEndian<uint64_t>(bytes.data()));
  return absl::OkStatus();
}

absl::Status DecodeJoinRow(std::string_view bytes, size_t width, int64_t* ts,
                           std::vector<Value>* out) {
  if (absl::Status s = JoinRowTime(bytes, ts); !s.ok()) return s;
  out->clear();
  const char* p = bytes.data() + 8;
  const char* end = bytes.data() + bytes.size();
  for (size_t c = 0; c < width; ++c) {
    if (p == end) return Malformed();
    const auto tag = static_cast<uint8_t>(*p++);
    if ((tag & ~kNullBit) > kMaxTypeId) return Malformed();
    const auto type = static_cast<TypeId>(tag & ~kNullBit);
    if (tag & kNullBit) {
      out->push_back(Value::Null(type));
      continue;
    }
    switch (type) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kDouble: {
        if (end - p < 8) return Malformed();
        const uint64_t u = LoadBigEndian<uint64_t>(p);
        p += 8;
        if (type == TypeId::kDouble) {
          double d;
          std::memcpy(&d, &u, 8);
          out->push_back(Value::Double(d));
        } else {
          const auto i = static_cast<int64_t>(u);
          out->push_back(type == TypeId::kInt64 ? Value::Int64(i) : Value::Timestamp(i));
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
        out->push_back(type == TypeId::kString ? Value::String(s) : Value::Bytes(s));
        break;
      }
      case TypeId::kNull:
        return Malformed();  // a non-null value of type null
    }
  }
  return p == end ? absl::OkStatus() : Malformed();
}

}  // namespace rtai::engine::operators
