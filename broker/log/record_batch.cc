#include "broker/log/record_batch.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"
#include "base/crc32c.h"

namespace rtai::broker {

namespace bl = batch_layout;

absl::StatusOr<BatchHeader> ParseBatchHeader(absl::string_view data) {
  if (data.size() < static_cast<size_t>(bl::kHeaderSize)) {
    return absl::InvalidArgumentError(
        absl::StrCat("record batch: ", data.size(),
                     " bytes is shorter than the 61-byte v2 header"));
  }
  const char* p = data.data();
  BatchHeader h;
  h.base_offset = LoadBigEndian<int64_t>(p + bl::kBaseOffset);
  h.batch_length = LoadBigEndian<int32_t>(p + bl::kBatchLength);
  h.partition_leader_epoch =
      LoadBigEndian<int32_t>(p + bl::kPartitionLeaderEpoch);
  h.magic = static_cast<int8_t>(p[bl::kMagic]);
  h.crc = LoadBigEndian<uint32_t>(p + bl::kCrc);
  h.attributes = LoadBigEndian<int16_t>(p + bl::kAttributes);
  h.last_offset_delta = LoadBigEndian<int32_t>(p + bl::kLastOffsetDelta);
  h.base_timestamp = LoadBigEndian<int64_t>(p + bl::kBaseTimestamp);
  h.max_timestamp = LoadBigEndian<int64_t>(p + bl::kMaxTimestamp);
  h.producer_id = LoadBigEndian<int64_t>(p + bl::kProducerId);
  h.producer_epoch = LoadBigEndian<int16_t>(p + bl::kProducerEpoch);
  h.base_sequence = LoadBigEndian<int32_t>(p + bl::kBaseSequence);
  h.records_count = LoadBigEndian<int32_t>(p + bl::kRecordsCount);
  return h;
}

namespace {

// Checks shared by producer validation and stored-batch checks. Returns an
// empty string when OK, else what is wrong; *crc_mismatch tells a CRC
// failure (corruption) from malformed framing.
std::string FramingProblem(absl::string_view batch, const BatchHeader& h,
                           bool* crc_mismatch) {
  *crc_mismatch = false;
  if (h.batch_length < bl::kHeaderSize - bl::kLogOverhead) {
    return absl::StrCat("batchLength ", h.batch_length,
                        " is below the minimum ",
                        bl::kHeaderSize - bl::kLogOverhead);
  }
  if (h.size_bytes() != static_cast<int64_t>(batch.size())) {
    return absl::StrCat("batchLength ", h.batch_length, " implies ",
                        h.size_bytes(), " bytes but the batch has ",
                        batch.size());
  }
  if (h.magic != bl::kMagicV2) {
    return absl::StrCat("magic ", static_cast<int>(h.magic),
                        " is not supported (only 2)");
  }
  if ((h.attributes & bl::kCompressionMask) > 4) {
    return absl::StrCat("unknown compression codec ",
                        h.attributes & bl::kCompressionMask);
  }
  if (h.records_count < 1) {
    return absl::StrCat("recordsCount ", h.records_count, " is below 1");
  }
  if (h.last_offset_delta < h.records_count - 1) {
    return absl::StrCat("lastOffsetDelta ", h.last_offset_delta,
                        " is below recordsCount-1 = ", h.records_count - 1);
  }
  const int64_t body = static_cast<int64_t>(batch.size()) - bl::kHeaderSize;
  if (h.compression() == CompressionCodec::kNone &&
      int64_t{h.records_count} * bl::kMinRecordSize > body) {
    return absl::StrCat("recordsCount ", h.records_count, " cannot fit in ",
                        body, " bytes of records");
  }
  const uint32_t crc = crc32c::Value(batch.data() + bl::kAttributes,
                                     batch.size() - bl::kAttributes);
  if (crc != h.crc) {
    *crc_mismatch = true;
    return absl::StrCat("CRC-32C mismatch (stored ", h.crc, ", computed ", crc,
                        ")");
  }
  return "";
}

}  // namespace

absl::Status CheckBatchForDecode(absl::string_view batch,
                                 const BatchHeader& header) {
  bool crc_mismatch;
  std::string problem = FramingProblem(batch, header, &crc_mismatch);
  if (problem.empty()) return absl::OkStatus();
  std::string msg = absl::StrCat("record batch at offset ", header.base_offset,
                                 ": ", problem);
  return crc_mismatch ? absl::DataLossError(msg)
                      : absl::InvalidArgumentError(msg);
}

absl::Status ValidateBatch(absl::string_view batch, int32_t max_bytes) {
  if (batch.size() > static_cast<size_t>(std::max(max_bytes, 0))) {
    return absl::ResourceExhaustedError(
        absl::StrCat("record batch of ", batch.size(),
                     " bytes exceeds the limit of ", max_bytes, " bytes"));
  }
  auto h = ParseBatchHeader(batch);
  if (!h.ok()) return h.status();
  bool crc_mismatch;
  std::string problem = FramingProblem(batch, *h, &crc_mismatch);
  if (!problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("record batch: ", problem));
  }
  return absl::OkStatus();
}

absl::Status CheckStoredBatch(absl::string_view batch) {
  auto h = ParseBatchHeader(batch);
  if (!h.ok()) return absl::DataLossError(h.status().message());
  bool crc_mismatch;
  std::string problem = FramingProblem(batch, *h, &crc_mismatch);
  if (!problem.empty()) return absl::DataLossError(problem);
  return absl::OkStatus();
}

void StampBaseOffset(char* batch, Offset base_offset) {
  StoreBigEndian<int64_t>(batch + bl::kBaseOffset, base_offset.value());
}

void StampPartitionLeaderEpoch(char* batch, LeaderEpoch epoch) {
  StoreBigEndian<int32_t>(batch + bl::kPartitionLeaderEpoch, epoch.value());
}

}  // namespace rtai::broker
