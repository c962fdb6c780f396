#pragma once
// Kafka v2 (magic 2) record batches: layout constants, header parsing,
// validation, building and decoding. Layout (big-endian, 61-byte header):
//
//   baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 |
//   crc u32 | attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 |
//   maxTimestamp i64 | producerId i64 | producerEpoch i16 | baseSequence i32 |
//   recordsCount i32 | records...
//
// batchLength counts the bytes after itself; the CRC-32C covers attributes to
// the end, so baseOffset and partitionLeaderEpoch can be stamped in place.
// Spec: docs/formats/log.md. Thread-safe (pure functions).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/ids.h"
#include "broker/log/compression.h"
#include "broker/log/record.h"

namespace rtai::broker {

namespace batch_layout {
constexpr int kBaseOffset = 0;
constexpr int kBatchLength = 8;
constexpr int kPartitionLeaderEpoch = 12;
constexpr int kMagic = 16;
constexpr int kCrc = 17;
constexpr int kAttributes = 21;
constexpr int kLastOffsetDelta = 23;
constexpr int kBaseTimestamp = 27;
constexpr int kMaxTimestamp = 35;
constexpr int kProducerId = 43;
constexpr int kProducerEpoch = 51;
constexpr int kBaseSequence = 53;
constexpr int kRecordsCount = 57;
constexpr int kHeaderSize = 61;
// baseOffset + batchLength: the bytes not counted by batchLength.
constexpr int kLogOverhead = 12;
constexpr int8_t kMagicV2 = 2;
// Smallest encoded record: length, attributes, timestampDelta, offsetDelta,
// keyLength, valueLength, headerCount, one byte each.
constexpr int kMinRecordSize = 7;

constexpr int16_t kCompressionMask = 0x07;
constexpr int16_t kTimestampTypeBit = 0x08;  // 0 CreateTime, 1 LogAppendTime
constexpr int16_t kTransactionalBit = 0x10;
constexpr int16_t kControlBit = 0x20;
constexpr int16_t kDeleteHorizonBit = 0x40;
}  // namespace batch_layout

static_assert(batch_layout::kRecordsCount + 4 == batch_layout::kHeaderSize);
static_assert(batch_layout::kCrc + 4 == batch_layout::kAttributes);

// The decoded 61-byte header.
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = 0;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t base_sequence = 0;
  int32_t records_count = 0;

  // Whole batch size in bytes (batchLength + 12).
  int64_t size_bytes() const {
    return int64_t{batch_length} + batch_layout::kLogOverhead;
  }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  CompressionCodec compression() const {
    return static_cast<CompressionCodec>(attributes &
                                         batch_layout::kCompressionMask);
  }
  bool is_control() const { return attributes & batch_layout::kControlBit; }
  bool is_transactional() const {
    return attributes & batch_layout::kTransactionalBit;
  }
};

// Decodes the header fields from the first 61 bytes. No validation beyond
// the size; kInvalidArgument when `data` is shorter than 61 bytes.
absl::StatusOr<BatchHeader> ParseBatchHeader(absl::string_view data);

// Validates one batch as sent by a producer: exactly one batch (batchLength
// consistent with the size), magic 2, a known codec, 1 <= recordsCount,
// recordsCount - 1 <= lastOffsetDelta, recordsCount plausible for the size
// (uncompressed), CRC-32C. Errors: kResourceExhausted when the batch is
// larger than `max_bytes`; kInvalidArgument otherwise, naming the field.
// Cost: one CRC pass; records are not walked.
absl::Status ValidateBatch(absl::string_view batch, int32_t max_bytes);

// Framing and CRC check of one batch read back from storage (`batch` is
// exactly the batch). Same checks as ValidateBatch without a size limit;
// errors are kDataLoss.
absl::Status CheckStoredBatch(absl::string_view batch);

// Same checks on a batch whose header is already parsed; a CRC mismatch is
// kDataLoss, malformed framing kInvalidArgument (used by decoders).
absl::Status CheckBatchForDecode(absl::string_view batch,
                                 const BatchHeader& header);

// Overwrite fields outside the CRC. `batch` must hold at least a header.
void StampBaseOffset(char* batch, Offset base_offset);
void StampPartitionLeaderEpoch(char* batch, LeaderEpoch epoch);

// Builds one v2 batch holding `records` (at least one) with consecutive
// offset deltas: producerId -1, producerEpoch -1, baseSequence -1,
// CreateTime, baseOffset 0, partitionLeaderEpoch -1, CRC set. Record
// offsets are ignored. With a codec, the records section is compressed.
std::string BuildRecordBatch(absl::Span<const Record> records,
                             CompressionCodec codec = CompressionCodec::kNone);

// Limit on the bytes one compressed batch may decompress to.
constexpr int64_t kDefaultMaxDecompressedBytes = int64_t{64} << 20;

// Decodes every record of one or more concatenated batches (as
// PartitionLog::Read returns them), in order, offsets = baseOffset +
// offsetDelta. Control batches (transaction markers) are skipped.
// Errors: kDataLoss for a CRC mismatch; kInvalidArgument for malformed
// framing or records (including a trailing partial batch);
// kResourceExhausted when a batch decompresses past the limit;
// kUnimplemented never (all codecs are supported). Never crashes.
absl::StatusOr<std::vector<Record>> DecodeRecordBatches(
    absl::string_view batches,
    int64_t max_decompressed_bytes = kDefaultMaxDecompressedBytes);

}  // namespace rtai::broker
