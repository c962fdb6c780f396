#pragma once
// PartitionLog: one partition's append-only log, a directory of segments
// `<base-offset, 20 digits>.log` with a sparse offset index (`.index`) and a
// time index (`.timeindex`) beside each. Records are stored as Kafka v2
// record batches exactly as received (compressed batches untouched); the log
// stamps baseOffset and partitionLeaderEpoch, which lie outside the CRC.
// Format: docs/formats/log.md.
//
// Thread safety: all methods are thread-safe. Appends are serialized by an
// internal mutex; reads run concurrently with appends and never see a
// partially written batch. Sync() may run concurrently with Append().
//
// Durability: Append() writes to the OS only. Sync() makes everything
// appended before it started durable and advances durable_end_offset().
// After any write or fsync error the log is *failed*: every later Append()
// and Sync() returns kFailedPrecondition with the original error, and
// durable_end_offset() never moves again. Nothing is acknowledged past a
// failed fsync.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/ids.h"
#include "broker/log/log_config.h"
#include "broker/log/txn_index.h"

namespace rtai::broker {

// Identifies the partition in log lines and error messages.
struct PartitionLogName {
  std::string topic;
  int32_t partition = 0;
};

struct AppendInfo {
  Offset base_offset;        // offset given to the batch's first record
  Offset last_offset;        // offset of its last record
  int32_t record_count = 0;
  int64_t max_timestamp_ms = 0;
  int64_t size_bytes = 0;    // bytes the batch occupies in the log
  // An idempotent producer's retry of a batch already in the log: nothing
  // was appended; the offsets are the original ones (size_bytes 0).
  bool duplicate = false;
};

struct ReadResult {
  // Whole record batches, back to back, starting with the batch that holds
  // `from` (which may begin before `from`, as in Kafka). Empty when `from`
  // is the end. Never more than max_bytes, except that the first batch is
  // returned whole even if larger, so a consumer always makes progress.
  std::string batches;
  Offset log_start_offset;
  Offset log_end_offset;
};

struct LogStats {
  Offset log_start_offset;
  Offset log_end_offset;
  Offset durable_end_offset;
  int64_t size_bytes = 0;
  int32_t segment_count = 0;
};

class PartitionLog {
 public:
  // Opens (creating if needed) the log in `dir` and recovers it: a torn or
  // garbage tail of the last segment is truncated to the last valid batch
  // (logged with partition, offset and bytes dropped); missing or
  // inconsistent indexes are rebuilt. Sealed segments are not read in full
  // at open; corruption there is detected by CRC when read (see Read()).
  // `fs` and `clock` must outlive the log.
  static absl::StatusOr<std::unique_ptr<PartitionLog>> Open(
      std::string dir, PartitionLogName name, LogConfig config, FileSystem* fs,
      Clock* clock);

  virtual ~PartitionLog() = default;

  // Validates one Kafka v2 record batch sent by a producer (magic 2, lengths,
  // record count, lastOffsetDelta == recordsCount - 1, CRC-32C over
  // attributes..end; see ValidateBatch in record_batch.h) and appends it
  // with offsets starting at log_end_offset(), stamping `leader_epoch`. The
  // batch is stamped in place and written without another copy: move it in.
  // Rolls the active segment first when it is full or old (a roll fsyncs the
  // sealed segment, so it may block for one fsync). Errors (nothing is
  // appended): kInvalidArgument for a corrupt or malformed batch;
  // kResourceExhausted for one larger than max_message_bytes;
  // kFailedPrecondition once the log has failed or is closed.
  // Batches with producerId >= 0 pass the idempotent-producer sequence
  // checks of producer_state.h first (kAborted with a Kafka error payload;
  // a duplicate returns the original offsets with `duplicate` set). That
  // state is rebuilt at Open from the last two segments.
  // Transactional batches and control batches (markers) follow the rules of
  // partition_txn_state.h (kAborted with a Kafka error payload); a marker
  // that aborts adds an entry to the active segment's `.txnindex`.
  virtual absl::StatusOr<AppendInfo> Append(std::string batch,
                                            LeaderEpoch leader_epoch) = 0;

  // The coordinator added this partition to `producer_id`'s transaction at
  // `epoch` (docs/TRANSACTIONS.md): its transactional batches are accepted
  // until its marker. Errors: a producer error INVALID_PRODUCER_EPOCH when
  // fenced here; kResourceExhausted; kFailedPrecondition (log failed).
  virtual absl::Status BeginTransaction(int64_t producer_id, int16_t epoch) = 0;
  // The first offset of the oldest transaction still open here (its data is
  // appended, its marker not yet), or Offset(-1) when none is open. The last
  // stable offset is min(high watermark, this).
  virtual Offset FirstUnstableOffset() const = 0;
  // The aborted transactions that overlap [from, upper), in marker order,
  // from the `.txnindex` of every segment from the one holding `from` on.
  virtual std::vector<AbortedTxn> AbortedTransactions(Offset from,
                                                      Offset upper) const = 0;

  // Makes all appended data durable. See the class comment for failures.
  // Blocks for an fsync; never call it on a network thread (use
  // GroupCommitter in group_commit.h). Concurrent calls are serialized; one
  // that finds its data already durable returns without an fsync.
  virtual absl::Status Sync() = 0;

  // Reads whole batches starting at the batch containing `from`, stopping
  // before `limit` (exclusive; callers pass the high watermark) and after
  // about max_bytes. Errors: kOutOfRange when `from` is below
  // log_start_offset() or above log_end_offset(); kDataLoss when a batch in
  // range fails its CRC or framing check, naming segment, file position and
  // offsets (it is never served).
  virtual absl::StatusOr<ReadResult> Read(Offset from, int32_t max_bytes,
                                          Offset limit) const = 0;

  // The earliest offset whose batch's max timestamp is >= timestamp_ms, or
  // log_end_offset() if none (Kafka ListOffsets semantics).
  virtual absl::StatusOr<Offset> OffsetForTimestamp(int64_t timestamp_ms) const = 0;

  // Rolls the active segment if it is older than segment_ms, then deletes
  // whole sealed segments past retention_ms / retention_bytes; the active
  // segment is never deleted. Returns the number of segments deleted.
  virtual absl::StatusOr<int> EnforceRetention() = 0;

  // Applies a new config (validated by the caller) from the next append on.
  virtual void UpdateConfig(const LogConfig& config) = 0;

  virtual Offset log_start_offset() const = 0;
  virtual Offset log_end_offset() const = 0;
  // Every offset below this is on disk.
  virtual Offset durable_end_offset() const = 0;
  virtual LogStats Stats() const = 0;
  // OK, or the error that failed the log.
  virtual absl::Status health() const = 0;

  // Syncs and closes all files. The log is unusable afterwards (Append and
  // Sync return kFailedPrecondition). Returns kFailedPrecondition if the log
  // had failed (nothing is synced then). Destroying a log without Close()
  // does not sync: like a crashed process, unsynced data may be lost.
  virtual absl::Status Close() = 0;
};

}  // namespace rtai::broker
