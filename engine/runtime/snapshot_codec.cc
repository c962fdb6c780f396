#include "engine/runtime/snapshot_codec.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"

namespace rtai::engine::runtime {
namespace {

constexpr char kMagic[4] = {'R', 'T', 'O', 'S'};
constexpr size_t kHeader = 4 + 4 + 2;
constexpr size_t kMaxBytes = size_t{1} << 31;

absl::Status Corrupt(absl::string_view detail) {
  return absl::DataLossError(absl::StrCat("operator snapshot: ", detail));
}

void PutLE(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLE(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

}  // namespace

SnapshotWriter::SnapshotWriter(SnapshotTag tag, uint16_t version) {
  buf_.append(kMagic, 4);
  PutLE(&buf_, static_cast<uint32_t>(tag), 4);
  PutLE(&buf_, version, 2);
}

void SnapshotWriter::U32(uint32_t v) { PutLE(&buf_, v, 4); }
void SnapshotWriter::I64(int64_t v) { PutLE(&buf_, static_cast<uint64_t>(v), 8); }

void SnapshotWriter::Bytes(std::string_view s) {
  PutLE(&buf_, s.size(), 8);
  buf_.append(s);
}

void SnapshotWriter::Val(const Value& v) {
  U8(static_cast<uint8_t>(v.type()));
  U8(v.is_null() ? 1 : 0);
  if (v.is_null()) return;
  switch (v.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      I64(v.int64());
      break;
    case TypeId::kDouble: {
      uint64_t bits;
      const double d = v.dbl();
      std::memcpy(&bits, &d, 8);
      PutLE(&buf_, bits, 8);
      break;
    }
    case TypeId::kBool:
      U8(v.boolean() ? 1 : 0);
      break;
    case TypeId::kString:
    case TypeId::kBytes:
      Bytes(v.str());
      break;
    case TypeId::kNull:
      break;
  }
}

std::string SnapshotWriter::Finish() {
  PutLE(&buf_, crc32c::Value(buf_.data(), buf_.size()), 4);
  return std::move(buf_);
}

absl::StatusOr<SnapshotReader> SnapshotReader::Open(std::string_view bytes, SnapshotTag tag,
                                                    uint16_t max_version) {
  if (bytes.size() < kHeader + 4 || bytes.size() > kMaxBytes) {
    return Corrupt(absl::StrCat("bad size ", bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) return Corrupt("bad magic");
  const size_t body = bytes.size() - 4;
  if (GetLE(bytes.data() + body, 4) != crc32c::Value(bytes.data(), body)) {
    return Corrupt("checksum mismatch");
  }
  const uint32_t got_tag = static_cast<uint32_t>(GetLE(bytes.data() + 4, 4));
  if (got_tag != static_cast<uint32_t>(tag)) {
    return Corrupt(absl::StrCat("snapshot of operator kind ", got_tag, ", expected ",
                                static_cast<uint32_t>(tag)));
  }
  const uint16_t version = static_cast<uint16_t>(GetLE(bytes.data() + 8, 2));
  if (version == 0 || version > max_version) {
    return Corrupt(absl::StrCat("unsupported version ", version));
  }
  return SnapshotReader(bytes.substr(kHeader, body - kHeader), version);
}

absl::Status SnapshotReader::Need(size_t n) const {
  if (payload_.size() - pos_ < n) return Corrupt("truncated");
  return absl::OkStatus();
}

absl::Status SnapshotReader::U8(uint8_t* v) {
  if (auto s = Need(1); !s.ok()) return s;
  *v = static_cast<uint8_t>(payload_[pos_++]);
  return absl::OkStatus();
}

absl::Status SnapshotReader::U32(uint32_t* v) {
  if (auto s = Need(4); !s.ok()) return s;
  *v = static_cast<uint32_t>(GetLE(payload_.data() + pos_, 4));
  pos_ += 4;
  return absl::OkStatus();
}

absl::Status SnapshotReader::I64(int64_t* v) {
  if (auto s = Need(8); !s.ok()) return s;
  *v = static_cast<int64_t>(GetLE(payload_.data() + pos_, 8));
  pos_ += 8;
  return absl::OkStatus();
}

absl::Status SnapshotReader::Bytes(std::string_view* s, uint64_t max_bytes) {
  int64_t n = 0;
  if (auto st = I64(&n); !st.ok()) return st;
  if (n < 0 || static_cast<uint64_t>(n) > max_bytes) return Corrupt("string too long");
  if (auto st = Need(static_cast<size_t>(n)); !st.ok()) return st;
  *s = payload_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return absl::OkStatus();
}

absl::Status SnapshotReader::Val(Value* v) {
  uint8_t type = 0, null = 0;
  if (auto s = U8(&type); !s.ok()) return s;
  if (auto s = U8(&null); !s.ok()) return s;
  if (type > kMaxTypeId || null > 1) return Corrupt("bad value tag");
  const TypeId t = static_cast<TypeId>(type);
  if (null || t == TypeId::kNull) {
    *v = Value::Null(t);
    return absl::OkStatus();
  }
  int64_t i = 0;
  std::string_view sv;
  uint8_t b = 0;
  switch (t) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (auto s = I64(&i); !s.ok()) return s;
      *v = t == TypeId::kInt64 ? Value::Int64(i) : Value::Timestamp(i);
      return absl::OkStatus();
    case TypeId::kDouble: {
      if (auto s = I64(&i); !s.ok()) return s;
      double d;
      std::memcpy(&d, &i, 8);
      *v = Value::Double(d);
      return absl::OkStatus();
    }
    case TypeId::kBool:
      if (auto s = U8(&b); !s.ok()) return s;
      if (b > 1) return Corrupt("bad bool");
      *v = Value::Bool(b != 0);
      return absl::OkStatus();
    default:
      if (auto s = Bytes(&sv, UINT32_MAX); !s.ok()) return s;
      *v = t == TypeId::kString ? Value::String(sv) : Value::Bytes(sv);
      return absl::OkStatus();
  }
}

absl::Status SnapshotReader::Count(uint64_t* n, uint64_t max_count, uint64_t min_item_bytes) {
  int64_t c = 0;
  if (auto s = I64(&c); !s.ok()) return s;
  const uint64_t left = payload_.size() - pos_;
  if (c < 0 || static_cast<uint64_t>(c) > max_count ||
      (min_item_bytes > 0 && static_cast<uint64_t>(c) > left / min_item_bytes)) {
    return Corrupt(absl::StrCat("bad count ", c));
  }
  *n = static_cast<uint64_t>(c);
  return absl::OkStatus();
}

absl::Status SnapshotReader::Done() const {
  if (pos_ != payload_.size()) return Corrupt("trailing bytes");
  return absl::OkStatus();
}

}  // namespace rtai::engine::runtime
