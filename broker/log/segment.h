#pragma once
// Segment: one `<base>.log` file of record batches with its sparse `.index`
// and `.timeindex` (docs/formats/log.md), and the `.txnindex` of the
// transactions aborted in it (docs/formats/transaction-state.md; loaded and
// rebuilt by the log, which knows where transactions began). The active segment takes appends;
// sealed segments are read-only.
//
// Thread safety: writer methods (Append, Seal, SyncLog, CloseWriters,
// DeleteFiles) are called by one thread at a time (the log's append path);
// reader methods may run concurrently with them and with each other, and see
// only whole batches (size_bytes() moves after a batch is fully written).
// Ownership: `fs` outlives the segment.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/file_system.h"
#include "base/ids.h"
#include "broker/log/index_entries.h"
#include "broker/log/index_file.h"
#include "broker/log/record_batch.h"
#include "broker/log/txn_index.h"

namespace rtai::broker {

// "00000000000000012345.log" for base 12345 and extension ".log".
std::string SegmentFileName(Offset base, absl::string_view extension);

// No batch yet (Kafka's NO_TIMESTAMP).
constexpr int64_t kNoTimestamp = -1;

// What Segment::Open found and repaired.
struct SegmentRecovery {
  int64_t dropped_bytes = 0;  // torn or garbage tail truncated (active only)
  // Sealed segments are never truncated (they were fsynced when sealed, so
  // a bad batch there is corruption, not a torn write): the position of the
  // first bad batch, left in place for Read() to report, or -1.
  int64_t corrupt_position = -1;
  std::string reason;  // what was wrong at the dropped/corrupt position
  bool indexes_rebuilt = false;
};

class Segment {
 public:
  // Creates an empty segment (any existing files of that name emptied),
  // open for appends.
  static absl::StatusOr<std::unique_ptr<Segment>> Create(FileSystem* fs,
                                                         const std::string& dir,
                                                         Offset base);
  // Opens an existing segment and recovers it: indexes loaded and checked
  // (rebuilt by a full scan when missing or inconsistent), then every batch
  // from the last verified index entry to the end is CRC-checked. With
  // `writable` (the active segment) a torn or garbage tail is truncated and
  // the segment stays open for appends; otherwise the file is left as is.
  // Both are reported in `*report`.
  static absl::StatusOr<std::unique_ptr<Segment>> Open(
      FileSystem* fs, const std::string& dir, Offset base,
      int32_t index_interval_bytes, bool writable, SegmentRecovery* report);

  // --- writer side ---
  // Appends one validated, stamped batch (`h` is its header) and adds index
  // entries every `index_interval_bytes`. On error the file may hold part
  // of the batch; the caller must stop using the segment for writes.
  absl::Status Append(absl::string_view batch, const BatchHeader& h,
                      int32_t index_interval_bytes);
  // fdatasync of the `.log` file.
  absl::Status SyncLog();
  // Syncs (optionally) and closes the writable files; the segment stays
  // readable.
  absl::Status CloseWriters(bool sync);
  // Removes its files (the segment stays readable through open fds).
  absl::Status DeleteFiles();

  // --- reader side ---
  Offset base_offset() const { return base_; }
  // One past the last offset of the last batch (base_offset() if empty).
  Offset next_offset() const { return Offset(next_offset_.load()); }
  int64_t size_bytes() const { return size_.load(); }
  int64_t max_timestamp_ms() const { return max_timestamp_.load(); }
  // maxTimestamp of the first batch (kNoTimestamp if empty).
  int64_t first_batch_timestamp_ms() const { return first_timestamp_.load(); }
  const std::string& log_path() const { return log_path_; }
  // The aborted transactions whose markers lie in this segment.
  TxnIndex& txn_index() { return txn_index_; }
  const TxnIndex& txn_index() const { return txn_index_; }

  // File position of the first batch whose last offset >= target within
  // [0, size_limit), or size_limit if none. Index lookup, then a scan of
  // batch headers. kDataLoss on a malformed header.
  absl::StatusOr<int64_t> FindPosition(int64_t target,
                                       int64_t size_limit) const;

  // Appends to `out` whole batches starting at `pos`, each CRC-checked,
  // stopping before [pos, size_limit) ends, before a batch with baseOffset
  // >= limit, or before `out` would exceed max_bytes (unless `out` is
  // empty: the first batch is always whole). `*expected` is the smallest
  // acceptable next baseOffset, advanced past each batch. Returns true when
  // the read is complete (limit or max_bytes reached), false at segment end.
  absl::StatusOr<bool> ReadBatches(int64_t pos, int64_t size_limit,
                                   int64_t max_bytes, int64_t limit,
                                   int64_t* expected, std::string* out) const;

  // Base offset of the first batch whose maxTimestamp >= timestamp_ms;
  // kNotFound if there is none.
  absl::StatusOr<Offset> FindOffsetForTimestamp(int64_t timestamp_ms,
                                                int64_t size_limit) const;

 private:
  Segment(FileSystem* fs, const std::string& dir, Offset base);
  absl::Status Recover(int32_t index_interval_bytes, bool writable,
                       SegmentRecovery* report);
  // Keeps the longest consistent prefix of the loaded index pair whose last
  // entry points at a valid batch. Returns the count kept.
  size_t VerifiedIndexPrefix(const std::vector<OffsetIndexEntry>& index,
                             const std::vector<TimeIndexEntry>& time,
                             int64_t file_size) const;
  // Updates in-memory state for a batch at `pos`; returns true when index
  // entries for it belong in the indexes.
  bool Observe(const BatchHeader& h, int64_t pos, int64_t size,
               int32_t index_interval_bytes);
  // Reads and parses the header at `pos`, checking that the batch fits in
  // [pos, size_limit).
  absl::StatusOr<BatchHeader> ReadHeader(int64_t pos, int64_t size_limit) const;
  absl::Status DataLoss(int64_t pos, absl::string_view what) const;
  // Read-path check of one batch about to be served: framing + CRC, and
  // baseOffset >= *expected (then advanced). Sets *past_limit instead when
  // the batch starts at or after `limit`.
  absl::Status CheckServed(absl::string_view batch, int64_t file_pos,
                           int64_t limit, int64_t* expected,
                           bool* past_limit) const;

  FileSystem* const fs_;
  const Offset base_;
  const std::string log_path_;
  std::unique_ptr<RandomAccessFile> reader_;
  std::unique_ptr<WritableFile> writer_;  // null once sealed
  IndexFile<OffsetIndexEntry> index_;
  IndexFile<TimeIndexEntry> time_index_;
  TxnIndex txn_index_;
  // Writer-side state.
  int64_t bytes_since_index_ = 0;
  // Published to readers.
  std::atomic<int64_t> size_{0};
  std::atomic<int64_t> next_offset_;
  std::atomic<int64_t> max_timestamp_{kNoTimestamp};
  std::atomic<int64_t> first_timestamp_{kNoTimestamp};
};

}  // namespace rtai::broker
