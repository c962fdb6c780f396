#pragma once
// TxnStateLog: the transaction coordinator's durable state, an append-only
// file `<dir>/txn_state.log` of CRC-framed TxnMetadata records (a kDead
// record is a tombstone). An Append is fsynced before it returns unless the
// caller says it may wait for the next one (see Append); Load
// replays the file (the last record of an id wins) and truncates a torn
// tail; when the file grows past `compact_bytes` and four times the live
// state it is rewritten with the live records only (atomically).
// Format: docs/formats/transaction-state.md.
//
// Thread safety: not thread-safe; the coordinator serializes calls.
// `fs` outlives the log.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

  // Appends `m`, durably (write + fsync) when `sync`; otherwise it becomes
  // durable with the next synced append (the file is append-only). `live`
  // is the state after it (for compaction). On error the log must not be
  // used again.
  absl::Status Append(const TxnMetadata& m, const State& live, bool sync = true);

  // Record codec (exposed for tests). Decode: false when malformed.
  static std::string Encode(const TxnMetadata& m);
  static bool Decode(absl::string_view payload, TxnMetadata* m);

  int64_t file_bytes() const { return file_bytes_; }

 private:
  TxnStateLog(FileSystem* fs, std::string path, int64_t compact_bytes)
      : fs_(fs),
        path_(std::move(path)),
        compact_bytes_(compact_bytes),
        next_check_bytes_(compact_bytes) {}
  absl::Status Compact(const State& live);

  FileSystem* const fs_;
  const std::string path_;
  const int64_t compact_bytes_;
  std::unique_ptr<WritableFile> writer_;
  int64_t file_bytes_ = 0;
  // The size at which the live state is measured again (measuring encodes
  // every live record, so it is not done on every append).
  int64_t next_check_bytes_;
};

}  // namespace rtai::broker::txn
