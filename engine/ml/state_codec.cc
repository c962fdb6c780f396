#include "engine/ml/state_codec.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"

namespace rtai::ml {
namespace {
constexpr char kMagic[4] = {'R', 'T', 'M', 'L'};
constexpr size_t kHeaderBytes = 4 + 4 + 2;
constexpr size_t kTrailerBytes = 4;

template <typename T>
void Append(std::string* buf, T v) {
  char tmp[sizeof(T)];
  std::memcpy(tmp, &v, sizeof(T));
  buf->append(tmp, sizeof(T));
}
template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
}  // namespace

absl::Status CorruptState(absl::string_view what, absl::string_view detail) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", detail));
}

StateWriter::StateWriter(StateTag tag, uint16_t version) {
  buf_.append(kMagic, 4);
  Append(&buf_, static_cast<uint32_t>(tag));
  Append(&buf_, version);
}
void StateWriter::U32(uint32_t v) { Append(&buf_, v); }
void StateWriter::U64(uint64_t v) { Append(&buf_, v); }
void StateWriter::F64(double v) { Append(&buf_, v); }
void StateWriter::String(absl::string_view s) {
  U64(s.size());
  buf_.append(s.data(), s.size());
}
void StateWriter::F64Vector(const std::vector<double>& v) {
  U64(v.size());
  for (double d : v) F64(d);
}
std::string StateWriter::Finish() {
  Append(&buf_, crc32c::Value(buf_.data(), buf_.size()));
  return std::move(buf_);
}

absl::StatusOr<StateReader> StateReader::Open(absl::string_view bytes,
                                              StateTag tag,
                                              uint16_t max_version) {
  if (bytes.size() < kHeaderBytes + kTrailerBytes) {
    return CorruptState("ml state", "truncated (shorter than header)");
  }
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return CorruptState("ml state", "bad magic");
  }
  const size_t body = bytes.size() - kTrailerBytes;
  const uint32_t want = Load<uint32_t>(bytes.data() + body);
  if (crc32c::Value(bytes.data(), body) != want) {
    return CorruptState("ml state", "checksum mismatch");
  }
  const uint32_t got_tag = Load<uint32_t>(bytes.data() + 4);
  if (got_tag != static_cast<uint32_t>(tag)) {
    return CorruptState("ml state",
                        absl::StrCat("type tag ", got_tag, ", expected ",
                                     static_cast<uint32_t>(tag)));
  }
  const uint16_t version = Load<uint16_t>(bytes.data() + 8);
  if (version == 0 || version > max_version) {
    return CorruptState("ml state",
                        absl::StrCat("unsupported version ", version));
  }
  return StateReader(bytes.substr(kHeaderBytes, body - kHeaderBytes), version);
}

absl::Status StateReader::Need(size_t n) const {
  if (payload_.size() - pos_ < n) {
    return CorruptState("ml state", "truncated payload");
  }
  return absl::OkStatus();
}

#define RTAI_READ_FIXED_(T)                        \
  if (auto s = Need(sizeof(T)); !s.ok()) return s; \
  *v = Load<T>(payload_.data() + pos_);            \
  pos_ += sizeof(T);                               \
  return absl::OkStatus()

absl::Status StateReader::U8(uint8_t* v) { RTAI_READ_FIXED_(uint8_t); }
absl::Status StateReader::U32(uint32_t* v) { RTAI_READ_FIXED_(uint32_t); }
absl::Status StateReader::U64(uint64_t* v) { RTAI_READ_FIXED_(uint64_t); }
absl::Status StateReader::I64(int64_t* v) { RTAI_READ_FIXED_(int64_t); }
absl::Status StateReader::F64(double* v) { RTAI_READ_FIXED_(double); }
#undef RTAI_READ_FIXED_

absl::Status StateReader::FiniteF64(double* v) {
  if (auto s = F64(v); !s.ok()) return s;
  if (!std::isfinite(*v)) return CorruptState("ml state", "non-finite number");
  return absl::OkStatus();
}

absl::Status StateReader::Bool(bool* v) {
  uint8_t b;
  if (auto s = U8(&b); !s.ok()) return s;
  if (b > 1) return CorruptState("ml state", "bad boolean");
  *v = b == 1;
  return absl::OkStatus();
}

absl::Status StateReader::Count(uint64_t* n, uint64_t max_count,
                                uint64_t min_item_bytes) {
  if (auto s = U64(n); !s.ok()) return s;
  if (*n > max_count) {
    return CorruptState("ml state",
                        absl::StrCat("count ", *n, " exceeds ", max_count));
  }
  if (min_item_bytes > 0 && *n > (payload_.size() - pos_) / min_item_bytes) {
    return CorruptState("ml state", "count larger than the bytes left");
  }
  return absl::OkStatus();
}

absl::Status StateReader::String(std::string* s, uint64_t max_bytes) {
  uint64_t n;
  if (auto st = Count(&n, max_bytes, 1); !st.ok()) return st;
  s->assign(payload_.data() + pos_, n);
  pos_ += n;
  return absl::OkStatus();
}

absl::Status StateReader::F64Vector(std::vector<double>* v,
                                    uint64_t max_count) {
  uint64_t n;
  if (auto s = Count(&n, max_count, sizeof(double)); !s.ok()) return s;
  v->resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    (*v)[i] = Load<double>(payload_.data() + pos_);
    pos_ += sizeof(double);
  }
  return absl::OkStatus();
}

absl::Status StateReader::Done() const {
  if (pos_ != payload_.size()) {
    return CorruptState("ml state", "trailing bytes after payload");
  }
  return absl::OkStatus();
}

}  // namespace rtai::ml
