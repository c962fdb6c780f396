#pragma once
// TxnIndex: a segment's `.txnindex` (Kafka's transaction index): one entry
// per transaction aborted by a marker in this segment, so read_committed
// fetches get their AbortedTransactions list without reading data. Entries
// are kept in memory and mirrored to an append-only file of fixed-size
// big-endian entries (docs/formats/transaction-state.md). The file is
// created at the first entry; a segment without one has no aborted
// transactions. Derived data: the log rebuilds it when it is malformed and
// for the segments of its recovery window.
//
// Thread safety: Append/Reset/Close/Delete by the log's single writer;
// Collect/entries from any thread. `fs` outlives the index.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/file_system.h"

namespace rtai::broker {

// One aborted transaction of one producer in one partition.
struct AbortedTxn {
  static constexpr int kSize = 34;  // version i16 + 4 x i64
  static constexpr int16_t kVersion = 0;
  int64_t producer_id = -1;
  int64_t first_offset = -1;  // its first data batch in this partition
  int64_t last_offset = -1;   // its abort marker
  // The partition's last stable offset when the marker was written.
  int64_t last_stable_offset = -1;

  void Encode(char* p) const;
  // kDataLoss for an unknown version or an inconsistent entry.
  static absl::Status Decode(const char* p, AbortedTxn* out);
  bool operator==(const AbortedTxn& o) const = default;
};

class TxnIndex {
 public:
  TxnIndex(FileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  // Reads the file (absent: no entries). kDataLoss when malformed: its size
  // is not whole entries, an entry is invalid, or entries are not ordered by
  // last_offset inside [base, next) (the segment's offsets).
  absl::Status Load(int64_t base, int64_t next);
  // Records an abort marker written to this segment (file opened lazily).
  absl::Status Append(const AbortedTxn& e);
  // Replaces every entry (file rewritten, or removed when `entries` is empty).
  absl::Status Reset(std::vector<AbortedTxn> entries);
  // Adds to `out` the entries that overlap [from, upper): last_offset >= from
  // and first_offset < upper. Returns true when an entry's
  // last_stable_offset >= upper: every aborted transaction overlapping the
  // range then has its marker at or before that entry, so later segments
  // need not be searched.
  bool Collect(int64_t from, int64_t upper, std::vector<AbortedTxn>* out) const;
  std::vector<AbortedTxn> entries() const;
  // Syncs (optionally) and closes the file; entries stay readable.
  absl::Status Close(bool sync);
  // Removes the file if present.
  absl::Status Delete();
  const std::string& path() const { return path_; }

 private:
  FileSystem* const fs_;
  const std::string path_;
  mutable absl::Mutex mu_;
  std::vector<AbortedTxn> entries_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WritableFile> writer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::broker
