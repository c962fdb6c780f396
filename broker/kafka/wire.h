#pragma once
// WireReader / WireWriter: Kafka protocol primitives (big-endian integers,
// unsigned varints for compact lengths). The reader never reads past its
// end and reports truncation as a Status naming the byte offset.
//
// Thread safety: plain values; not synchronized.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/varint.h"

namespace rtai::kafka {

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  template <typename T>
  absl::Status ReadInt(T* v) {
    static_assert(std::is_integral_v<T>);
    if (remaining() < sizeof(T)) return Truncated(sizeof(T));
    if constexpr (sizeof(T) == 1) {
      *v = static_cast<T>(data_[pos_]);
    } else {
      *v = LoadBigEndian<T>(data_.data() + pos_);
    }
    pos_ += sizeof(T);
    return absl::OkStatus();
  }
  absl::Status ReadFloat64(double* v) {
    uint64_t bits;
    if (absl::Status s = ReadInt(&bits); !s.ok()) return s;
    std::memcpy(v, &bits, sizeof(bits));
    return absl::OkStatus();
  }
  absl::Status ReadUvarint(uint32_t* v) {
    const char* p = data_.data() + pos_;
    if (!varint::GetUnsigned32(&p, data_.data() + data_.size(), v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad or truncated varint at byte ", pos_));
    }
    pos_ = static_cast<size_t>(p - data_.data());
    return absl::OkStatus();
  }
  // A view of the next `n` bytes; fails (nothing consumed) when fewer remain.
  absl::Status ReadView(size_t n, std::string_view* out) {
    if (remaining() < n) return Truncated(n);
    *out = data_.substr(pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  absl::Status Truncated(size_t need) const {
    return absl::InvalidArgumentError(absl::StrCat("truncated: need ", need, " bytes at byte ",
                                                   pos_, ", have ", remaining()));
  }
  std::string_view data_;
  size_t pos_ = 0;
};

class WireWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit WireWriter(std::string* out) : out_(out) {}

  template <typename T>
  void WriteInt(T v) {
    static_assert(std::is_integral_v<T>);
    char buf[sizeof(T)];
    if constexpr (sizeof(T) == 1) {
      buf[0] = static_cast<char>(v);
    } else {
      StoreBigEndian<T>(buf, v);
    }
    out_->append(buf, sizeof(T));
  }
  void WriteFloat64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    WriteInt(bits);
  }
  void WriteUvarint(uint32_t v) { varint::PutUnsigned64(out_, v); }
  void WriteRaw(std::string_view bytes) { out_->append(bytes.data(), bytes.size()); }
  std::string* out() { return out_; }

 private:
  std::string* out_;
};

}  // namespace rtai::kafka
