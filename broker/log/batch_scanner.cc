#include "broker/log/batch_scanner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/status_macros.h"

namespace rtai::broker {

namespace bl = batch_layout;

BatchScanner::BatchScanner(const RandomAccessFile* file, std::string path,
                           int64_t start, int64_t end)
    : file_(file),
      path_(std::move(path)),
      end_(end),
      pos_(start),
      next_pos_(start) {}

absl::StatusOr<bool> BatchScanner::Fill(int64_t pos, int64_t n) {
  if (pos + n > end_) return false;
  if (pos >= buf_start_ &&
      pos + n <= buf_start_ + static_cast<int64_t>(buf_.size())) {
    return true;
  }
  const int64_t want = std::min(std::max(n, kChunkBytes), end_ - pos);
  buf_.resize(static_cast<size_t>(want));
  buf_start_ = pos;
  ASSIGN_OR_RETURN(size_t got, file_->Read(pos, buf_.size(), buf_.data()));
  buf_.resize(got);
  return static_cast<int64_t>(got) >= n;
}

absl::Status BatchScanner::Next() {
  pos_ = next_pos_;
  if (pos_ >= end_) return absl::OutOfRangeError("end of segment");
  auto where = [&] { return absl::StrCat(path_, " at position ", pos_, ": "); };
  ASSIGN_OR_RETURN(bool have, Fill(pos_, bl::kHeaderSize));
  if (!have) {
    return absl::DataLossError(absl::StrCat(
        where(), end_ - pos_, " bytes are not a whole batch header"));
  }
  const char* p = buf_.data() + (pos_ - buf_start_);
  const int32_t length = LoadBigEndian<int32_t>(p + bl::kBatchLength);
  if (length < bl::kHeaderSize - bl::kLogOverhead ||
      pos_ + bl::kLogOverhead + length > end_) {
    return absl::DataLossError(absl::StrCat(where(), "batchLength ", length,
                                            " does not fit the ", end_ - pos_,
                                            " bytes left"));
  }
  const int64_t size = int64_t{length} + bl::kLogOverhead;
  ASSIGN_OR_RETURN(have, Fill(pos_, size));
  if (!have) return absl::DataLossError(absl::StrCat(where(), "short read"));
  batch_ = absl::string_view(buf_.data() + (pos_ - buf_start_), size);
  absl::Status s = CheckStoredBatch(batch_);
  if (!s.ok()) return absl::DataLossError(absl::StrCat(where(), s.message()));
  ASSIGN_OR_RETURN(header_, ParseBatchHeader(batch_));
  next_pos_ = pos_ + size;
  return absl::OkStatus();
}

}  // namespace rtai::broker
