#include "broker/log/txn_batch.h"

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"
#include "base/crc32c.h"
#include "base/varint.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {
namespace {

namespace bl = batch_layout;

constexpr int16_t kMarkerVersion = 0;
constexpr int16_t kAbortType = 0;
constexpr int16_t kCommitType = 1;
constexpr int kMarkerKeySize = 4;
constexpr int kMarkerValueSize = 6;

void RecomputeCrc(std::string* batch) {
  const uint32_t crc = crc32c::Value(batch->data() + bl::kAttributes,
                                     batch->size() - bl::kAttributes);
  StoreBigEndian<uint32_t>(batch->data() + bl::kCrc, crc);
}

}  // namespace

std::string BuildControlBatch(int64_t producer_id, int16_t producer_epoch,
                              TxnMarker marker, int64_t timestamp_ms) {
  Record r;
  std::string key(kMarkerKeySize, '\0');
  StoreBigEndian<int16_t>(key.data(), kMarkerVersion);
  StoreBigEndian<int16_t>(key.data() + 2,
                          marker.commit ? kCommitType : kAbortType);
  std::string value(kMarkerValueSize, '\0');
  StoreBigEndian<int16_t>(value.data(), kMarkerVersion);
  StoreBigEndian<int32_t>(value.data() + 2, marker.coordinator_epoch);
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp_ms = timestamp_ms;
  std::string batch = BuildRecordBatch({r});
  const int16_t attributes = bl::kTransactionalBit | bl::kControlBit;
  StoreBigEndian<int16_t>(batch.data() + bl::kAttributes, attributes);
  StampProducer(&batch, producer_id, producer_epoch, -1, true);
  return batch;
}

absl::StatusOr<TxnMarker> ParseControlBatch(absl::string_view batch) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("control batch: ", what));
  };
  if (batch.size() < static_cast<size_t>(bl::kHeaderSize)) {
    return bad("shorter than a batch header");
  }
  const int16_t attributes = LoadBigEndian<int16_t>(batch.data() + bl::kAttributes);
  if ((attributes & bl::kCompressionMask) != 0) return bad("compressed");
  if (LoadBigEndian<int32_t>(batch.data() + bl::kRecordsCount) != 1) {
    return bad("recordsCount is not 1");
  }
  const char* p = batch.data() + bl::kHeaderSize;
  const char* end = batch.data() + batch.size();
  int32_t length, offset_delta, key_length, value_length;
  int64_t ts_delta;
  if (!varint::GetSigned32(&p, end, &length) || length < 0 ||
      end - p != length || p == end) {
    return bad("bad record length");
  }
  ++p;  // record attributes
  if (!varint::GetSigned64(&p, end, &ts_delta) ||
      !varint::GetSigned32(&p, end, &offset_delta) ||
      !varint::GetSigned32(&p, end, &key_length) ||
      key_length != kMarkerKeySize || end - p < kMarkerKeySize) {
    return bad("key is not a 4-byte marker key");
  }
  const int16_t version = LoadBigEndian<int16_t>(p);
  const int16_t type = LoadBigEndian<int16_t>(p + 2);
  p += kMarkerKeySize;
  if (version != kMarkerVersion || (type != kAbortType && type != kCommitType)) {
    return bad(absl::StrCat("unknown marker version ", version, " type ", type));
  }
  TxnMarker marker;
  marker.commit = type == kCommitType;
  if (varint::GetSigned32(&p, end, &value_length) &&
      value_length >= kMarkerValueSize && end - p >= value_length) {
    marker.coordinator_epoch = LoadBigEndian<int32_t>(p + 2);
  }
  return marker;
}

void StampProducer(std::string* batch, int64_t producer_id,
                   int16_t producer_epoch, int32_t base_sequence,
                   bool transactional) {
  CHECK(batch->size() >= static_cast<size_t>(bl::kHeaderSize));
  char* b = batch->data();
  StoreBigEndian<int64_t>(b + bl::kProducerId, producer_id);
  StoreBigEndian<int16_t>(b + bl::kProducerEpoch, producer_epoch);
  StoreBigEndian<int32_t>(b + bl::kBaseSequence, base_sequence);
  int16_t attributes = LoadBigEndian<int16_t>(b + bl::kAttributes);
  if (transactional) {
    attributes |= bl::kTransactionalBit;
  } else {
    attributes &= ~bl::kTransactionalBit;
  }
  StoreBigEndian<int16_t>(b + bl::kAttributes, attributes);
  RecomputeCrc(batch);
}

}  // namespace rtai::broker
