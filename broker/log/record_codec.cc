// BuildRecordBatch and DecodeRecordBatches (declared in record_batch.h).

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"
#include "base/crc32c.h"
#include "base/varint.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

namespace bl = batch_layout;

namespace {

size_t NullableSize(const std::optional<std::string>& s) {
  return s ? varint::SizeSigned64(static_cast<int64_t>(s->size())) + s->size()
           : 1;
}

void PutNullable(std::string* out, const std::optional<std::string>& s) {
  if (!s) {
    varint::PutSigned32(out, -1);
    return;
  }
  varint::PutSigned64(out, static_cast<int64_t>(s->size()));
  out->append(*s);
}

size_t RecordBodySize(const Record& r, int64_t ts_delta, int32_t offset_delta) {
  size_t n = 1 + varint::SizeSigned64(ts_delta) +
             varint::SizeSigned64(offset_delta) + NullableSize(r.key) +
             NullableSize(r.value) +
             varint::SizeSigned64(static_cast<int64_t>(r.headers.size()));
  for (const RecordHeader& h : r.headers) {
    n += varint::SizeSigned64(static_cast<int64_t>(h.key.size())) +
         h.key.size() + NullableSize(h.value);
  }
  return n;
}

void AppendRecord(std::string* out, const Record& r, int64_t ts_delta,
                  int32_t offset_delta) {
  varint::PutSigned64(
      out, static_cast<int64_t>(RecordBodySize(r, ts_delta, offset_delta)));
  out->push_back(0);  // record attributes: unused
  varint::PutSigned64(out, ts_delta);
  varint::PutSigned32(out, offset_delta);
  PutNullable(out, r.key);
  PutNullable(out, r.value);
  varint::PutSigned64(out, static_cast<int64_t>(r.headers.size()));
  for (const RecordHeader& h : r.headers) {
    varint::PutSigned64(out, static_cast<int64_t>(h.key.size()));
    out->append(h.key);
    PutNullable(out, h.value);
  }
}

}  // namespace

std::string BuildRecordBatch(absl::Span<const Record> records,
                             CompressionCodec codec) {
  CHECK(!records.empty());
  const int64_t base_ts = records[0].timestamp_ms;
  int64_t max_ts = base_ts;
  size_t total = bl::kHeaderSize;
  for (size_t i = 0; i < records.size(); ++i) {
    max_ts = std::max(max_ts, records[i].timestamp_ms);
    const size_t body = RecordBodySize(
        records[i], records[i].timestamp_ms - base_ts, static_cast<int32_t>(i));
    total += varint::SizeSigned64(static_cast<int64_t>(body)) + body;
  }
  std::string out;
  out.reserve(total);
  out.resize(bl::kHeaderSize);
  for (size_t i = 0; i < records.size(); ++i) {
    AppendRecord(&out, records[i], records[i].timestamp_ms - base_ts,
                 static_cast<int32_t>(i));
  }
  if (codec != CompressionCodec::kNone) {
    std::string compressed =
        Compress(codec, absl::string_view(out).substr(bl::kHeaderSize));
    out.resize(bl::kHeaderSize);
    out.append(compressed);
  }
  char* p = out.data();
  const int32_t count = static_cast<int32_t>(records.size());
  StoreBigEndian<int64_t>(p + bl::kBaseOffset, 0);
  StoreBigEndian<int32_t>(p + bl::kBatchLength,
                          static_cast<int32_t>(out.size() - bl::kLogOverhead));
  StoreBigEndian<int32_t>(p + bl::kPartitionLeaderEpoch, -1);
  p[bl::kMagic] = bl::kMagicV2;
  StoreBigEndian<int16_t>(p + bl::kAttributes, static_cast<int16_t>(codec));
  StoreBigEndian<int32_t>(p + bl::kLastOffsetDelta, count - 1);
  StoreBigEndian<int64_t>(p + bl::kBaseTimestamp, base_ts);
  StoreBigEndian<int64_t>(p + bl::kMaxTimestamp, max_ts);
  StoreBigEndian<int64_t>(p + bl::kProducerId, -1);
  StoreBigEndian<int16_t>(p + bl::kProducerEpoch, -1);
  StoreBigEndian<int32_t>(p + bl::kBaseSequence, -1);
  StoreBigEndian<int32_t>(p + bl::kRecordsCount, count);
  StoreBigEndian<uint32_t>(
      p + bl::kCrc,
      crc32c::Value(p + bl::kAttributes, out.size() - bl::kAttributes));
  return out;
}

namespace {

// Reads records from [p, end) of one batch; every length is checked against
// the bytes left before anything is allocated.
class RecordParser {
 public:
  RecordParser(const BatchHeader& h, absl::string_view data)
      : h_(h), p_(data.data()), end_(data.data() + data.size()) {}

  absl::Status ParseAll(std::vector<Record>* out) {
    if (int64_t{h_.records_count} * bl::kMinRecordSize > end_ - p_) {
      return Error(absl::StrCat("recordsCount ", h_.records_count,
                                " cannot fit in ", end_ - p_, " bytes"));
    }
    const size_t needed = out->size() + h_.records_count;
    if (out->capacity() < needed) {
      out->reserve(std::max(needed, 2 * out->capacity()));
    }
    for (index_ = 0; index_ < h_.records_count; ++index_) {
      int32_t len;
      if (!varint::GetSigned32(&p_, end_, &len))
        return Error("bad length varint");
      if (len < 0 || len > end_ - p_) {
        return Error(absl::StrCat("length ", len, " exceeds the ", end_ - p_,
                                  " bytes left"));
      }
      const char* record_end = p_ + len;
      Record& r = out->emplace_back();
      absl::Status s = ParseBody(record_end, &r);
      if (!s.ok()) return s;
      if (p_ != record_end) {
        return Error(absl::StrCat(record_end - p_, " unused bytes in record"));
      }
    }
    if (p_ != end_) {
      return Error(
          absl::StrCat(end_ - p_, " trailing bytes after the last record"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status ParseBody(const char* end, Record* r) {
    if (p_ >= end) return Error("missing attributes");
    ++p_;  // record attributes: unused
    int64_t ts_delta;
    int32_t offset_delta;
    if (!varint::GetSigned64(&p_, end, &ts_delta))
      return Error("bad timestampDelta");
    if (!varint::GetSigned32(&p_, end, &offset_delta))
      return Error("bad offsetDelta");
    if (offset_delta < 0 || offset_delta > h_.last_offset_delta) {
      return Error(absl::StrCat("offsetDelta ", offset_delta,
                                " outside [0, lastOffsetDelta]"));
    }
    r->offset = Offset(h_.base_offset + offset_delta);
    r->timestamp_ms = (h_.attributes & bl::kTimestampTypeBit)
                          ? h_.max_timestamp
                          : h_.base_timestamp + ts_delta;
    absl::Status s = ReadNullable(end, "key", &r->key);
    if (s.ok()) s = ReadNullable(end, "value", &r->value);
    if (!s.ok()) return s;
    int32_t header_count;
    if (!varint::GetSigned32(&p_, end, &header_count))
      return Error("bad headerCount");
    if (header_count < 0 || int64_t{header_count} * 2 > end - p_) {
      return Error(absl::StrCat("headerCount ", header_count, " does not fit"));
    }
    r->headers.reserve(header_count);
    for (int32_t i = 0; i < header_count; ++i) {
      RecordHeader& h = r->headers.emplace_back();
      std::optional<std::string> key;
      s = ReadNullable(end, "header key", &key);
      if (!s.ok()) return s;
      if (!key) return Error("null header key");
      h.key = std::move(*key);
      s = ReadNullable(end, "header value", &h.value);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status ReadNullable(const char* end, const char* what,
                            std::optional<std::string>* out) {
    int32_t len;
    if (!varint::GetSigned32(&p_, end, &len)) {
      return Error(absl::StrCat("bad ", what, " length varint"));
    }
    if (len < -1 || len > end - p_) {
      return Error(absl::StrCat(what, " length ", len, " exceeds the ",
                                end - p_, " bytes left"));
    }
    if (len == -1) {
      out->reset();
      return absl::OkStatus();
    }
    out->emplace(p_, static_cast<size_t>(len));
    p_ += len;
    return absl::OkStatus();
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("record batch at offset ",
                                                   h_.base_offset, ", record ",
                                                   index_, ": ", what));
  }

  const BatchHeader& h_;
  const char* p_;
  const char* const end_;
  int32_t index_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Record>> DecodeRecordBatches(
    absl::string_view batches, int64_t max_decompressed_bytes) {
  std::vector<Record> out;
  size_t pos = 0;
  while (pos < batches.size()) {
    const absl::string_view rest = batches.substr(pos);
    if (rest.size() < static_cast<size_t>(bl::kHeaderSize)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record batches: ", rest.size(), " trailing bytes at position ", pos,
          " are not a whole batch"));
    }
    const int32_t length =
        LoadBigEndian<int32_t>(rest.data() + bl::kBatchLength);
    if (length < bl::kHeaderSize - bl::kLogOverhead ||
        static_cast<size_t>(length) > rest.size() - bl::kLogOverhead) {
      return absl::InvalidArgumentError(
          absl::StrCat("record batches: batchLength ", length, " at position ",
                       pos, " does not fit the ", rest.size(), " bytes left"));
    }
    const absl::string_view batch = rest.substr(0, length + bl::kLogOverhead);
    pos += batch.size();
    auto header = ParseBatchHeader(batch);
    if (!header.ok()) return header.status();
    absl::Status s = CheckBatchForDecode(batch, *header);
    if (!s.ok()) return s;
    if (header->is_control()) continue;
    absl::string_view records = batch.substr(bl::kHeaderSize);
    std::string decompressed;
    if (header->compression() != CompressionCodec::kNone) {
      auto d =
          Decompress(header->compression(), records, max_decompressed_bytes);
      if (!d.ok()) {
        return absl::Status(
            d.status().code(),
            absl::StrCat("record batch at offset ", header->base_offset, ": ",
                         d.status().message()));
      }
      decompressed = std::move(*d);
      records = decompressed;
    }
    s = RecordParser(*header, records).ParseAll(&out);
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace rtai::broker
