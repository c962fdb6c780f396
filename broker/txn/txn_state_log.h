#pragma once
// TxnStateLog: the transaction coordinator's durable state, an append-only
// file `<dir>/txn_state.log` of CRC-framed TxnMetadata records (a kDead
// record is a tombstone). Open replays the file (the last record of an id
// wins) and truncates a torn tail; when the file grows past `compact_bytes`
// and four times the live state it is rewritten with the live records only
// (atomically, durable).
// Format: docs/formats/transaction-state.md.
//
// Group commit: Write() appends a record (page cache) and returns its
// sequence number; SyncTo(seq) returns once that record and every record
// written before it are durable. Concurrent SyncTo callers share fsyncs: the
// first to find no fsync in flight becomes the leader and fsyncs everything
// written so far, the others wait for it and return without an fsync of
// their own when it covered them (records written after the leader started
// are covered by the next leader). The file is append-only, so records
// become durable in the order they were written.
// Failure: when an fsync (or a write) fails, that call's waiters and every
// later Write/SyncTo get the error: the log is failed for good (an fsync
// error may have dropped dirty pages; nothing after it is trusted).
//
// Thread safety: Write (and Append) calls must be serialized by the caller
// (the coordinator does, under its mutex: record order is its order, and a
// compaction writes the live state the caller passed); SyncTo and the
// accessors are thread-safe and may run concurrently with Write and each
// other, without the caller's locks. `fs` outlives the log.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/file_system.h"
#include "broker/txn/txn_metadata.h"

namespace rtai::broker::txn {

class TxnStateLog {
 public:
  using State = std::map<std::string, TxnMetadata>;

  // Opens (creating) the log in `dir` and replays it into the returned
  // state. kDataLoss only when the file cannot be read at all.
  static absl::StatusOr<std::unique_ptr<TxnStateLog>> Open(
      FileSystem* fs, const std::string& dir, State* state,
      int64_t compact_bytes = int64_t{4} << 20);

  // Writes `m` without waiting for it to be durable and returns its
  // sequence number (increasing; pass it to SyncTo). `live` is the state
  // after it (for compaction).
  absl::StatusOr<int64_t> Write(const TxnMetadata& m, const State& live);
  // Returns once every record up to sequence `seq` is durable (group commit,
  // see the class comment), or the error that failed the log.
  absl::Status SyncTo(int64_t seq);
  // Write, then SyncTo when `sync` (otherwise the record becomes durable
  // with the next SyncTo of a later record).
  absl::Status Append(const TxnMetadata& m, const State& live, bool sync = true);

  // Record codec (exposed for tests). Decode: false when malformed.
  static std::string Encode(const TxnMetadata& m);
  static bool Decode(absl::string_view payload, TxnMetadata* m);

  int64_t file_bytes() const;
  // fsyncs of the file issued by SyncTo so far (tests, metrics).
  int64_t sync_calls() const;
  // Callers blocked in SyncTo behind a leader's fsync (tests line up a
  // group with it).
  int waiting() const;

 private:
  TxnStateLog(FileSystem* fs, std::string path, int64_t compact_bytes)
      : fs_(fs),
        path_(std::move(path)),
        compact_bytes_(compact_bytes),
        next_check_bytes_(compact_bytes) {}
  absl::Status CompactLocked(const State& live) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FailLocked(absl::Status s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  FileSystem* const fs_;
  const std::string path_;
  const int64_t compact_bytes_;
  mutable absl::Mutex mu_;
  std::unique_ptr<WritableFile> writer_ ABSL_GUARDED_BY(mu_);
  int64_t file_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // The size at which the live state is measured again (measuring encodes
  // every live record, so it is not done on every append).
  int64_t next_check_bytes_ ABSL_GUARDED_BY(mu_);
  // Sequence numbers: bytes written since Open (never reset by compaction).
  int64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t durable_ ABSL_GUARDED_BY(mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(mu_) = false;  // a leader's fsync in flight
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t sync_calls_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::broker::txn
