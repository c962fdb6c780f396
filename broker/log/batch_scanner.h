#pragma once
// BatchScanner: walks the record batches of a segment file sequentially,
// reading in large chunks and checking each batch's framing and CRC. Used by
// recovery and index rebuilds. Not thread-safe; the file must outlive it.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/file_system.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

class BatchScanner {
 public:
  // Scans [start, end) of `file`; `path` names it in errors.
  BatchScanner(const RandomAccessFile* file, std::string path, int64_t start,
               int64_t end);

  // Advances to the next batch. kOutOfRange at a clean end; kDataLoss when
  // the bytes at position() are not a whole valid batch (torn tail, garbage
  // or corruption), naming the file and position; I/O errors as they come.
  absl::Status Next();

  // Valid after Next() returned OK.
  const BatchHeader& header() const { return header_; }
  absl::string_view batch() const { return batch_; }
  // File position of the current batch (or of the problem after kDataLoss).
  int64_t position() const { return pos_; }

 private:
  // Makes [pos, pos + n) available in buf_; false if the file is shorter.
  absl::StatusOr<bool> Fill(int64_t pos, int64_t n);

  static constexpr int64_t kChunkBytes = 1 << 20;
  const RandomAccessFile* const file_;
  const std::string path_;
  const int64_t end_;
  int64_t pos_;
  int64_t next_pos_;
  std::string buf_;
  int64_t buf_start_ = 0;
  BatchHeader header_;
  absl::string_view batch_;
};

}  // namespace rtai::broker
