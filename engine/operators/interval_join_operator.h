#pragma once
// IntervalJoinOperator (interval_join v1): joins input 0 (left) and input 1
// (right) on equal keys where right.ts is in [left.ts + lower_bound_ms,
// left.ts + upper_bound_ms] (Flink's interval join). Each side's records are
// buffered per key; a new record is matched against the other side's buffer
// and then buffered itself. Records behind the watermark are late: dropped
// and counted. Output rows: left columns then right columns; event time
// max(left.ts, right.ts). Matches of one record come out by ascending
// timestamp of the buffered row, then in arrival order.
//
// Buffers live in RocksDB keyed state (column family of the operator uid):
// ListState "rows", key = join key bytes, namespace = side u8 | bucket start
// (i64 BE, sign flipped), where a bucket spans bucket_ms = upper - lower + 1
// ms of event time, so a lookup reads at most two lists; each element is
// the row (interval_join_operator_rows.h). Adding a row is a blind RocksDB
// merge. A bucket is dropped by a cleanup timer (state::TimerService
// "cleanup") once the watermark passes the last time any row in it can
// still match (left: bucket end - 1 + upper, right: bucket end - 1 - lower);
// rows past their own limit but still in a bucket never match, because a
// new record is never behind the watermark.
// In front of RocksDB sits a bounded write-back tier (JoinRowTier,
// IntervalJoinTierOptions): a row goes to the tier first; when it is full
// the oldest buckets are spilled (AddAll per key, plus the cleanup timer),
// and SnapshotState spills all. A bucket still only in the tier when the
// watermark passes its cleanup time is dropped there and never touches
// RocksDB (no row write, no timer). Probes read the tier and, for buckets
// up to rocks_through_ (the newest bucket ever spilled or restored), also
// RocksDB first: RocksDB holds a list's older rows, the tier its newer
// ones, so arrival order is kept. Per key beyond the tier only a fixed-size
// probe filter stays in memory: per side and key-hash slot, the
// latest time until which a buffered row of that slot can match; a record
// whose slot on the other side is already past skips the RocksDB reads (most
// records, when one side is sparse). Checkpoints: the RocksDB checkpoint
// holds the buffers and timers; SnapshotState writes the watermark and per
// side the latest match time of any buffered row (version 2), which a
// restore puts in every slot; version-1 snapshots, which held the buffers,
// are imported into RocksDB on restore.
// Thread safety: runtime/operator.h.

#include <memory>
#include <string>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/operators/interval_join_operator_tier.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/snapshot_codec.h"
#include "state/list_state.h"
#include "state/timer_service.h"

namespace rtai::engine::operators {

class IntervalJoinOperator : public runtime::Operator {
 public:
  // The schemas must outlive the operator.
  IntervalJoinOperator(graph::IntervalJoinConfig config, const Schema* left, const Schema* right,
                       const Schema* output);
  ~IntervalJoinOperator() override;

  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t watermark, runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

  // Replaces the tier's options; only before the first record (CHECK).
  void SetTierOptions(IntervalJoinTierOptions options);
  const JoinRowTier& tier() const { return *tier_; }

 private:
  struct Match {
    int64_t ts;
    size_t order;
    std::string_view bytes;
  };
  // Start of the bucket holding `ts` (floor to a multiple of bucket_ms_).
  int64_t BucketOf(int64_t ts) const;
  void Namespace(int side, int64_t bucket, std::string* out) const;
  // Joins a record of `input` with the other side's buffered rows.
  absl::Status Probe(int input, const std::string& key, const Value* row, int64_t ts);
  // Buffers a record of `side` and registers its bucket's cleanup timer.
  absl::Status Buffer(int side, const std::string& key, const Value* row, int64_t ts);
  absl::Status RestoreV1(runtime::SnapshotReader* r);
  // The watermark at which (side, bucket) is dropped: the last moment a row
  // of it can match, + 1 (computed wide: no overflow).
  __int128 CleanupTime(int side, int64_t bucket) const;
  // Writes a tier bucket's rows to RocksDB with their cleanup timers.
  absl::Status Spill(int side, int64_t bucket);
  absl::Status SpillAll();
  void Join(const Value* left, int64_t left_ts, const Value* right, int64_t right_ts);

  graph::IntervalJoinConfig config_;
  const Schema* schemas_[2];
  const Schema* output_;
  int64_t bucket_ms_;
  int64_t watermark_ = runtime::kMinWatermark;
  std::unique_ptr<state::ListState> rows_;
  std::unique_ptr<state::TimerService> timers_;
  std::unique_ptr<JoinRowTier> tier_;
  // Per side: buckets up to this start may have rows in RocksDB.
  int64_t rocks_through_[2] = {INT64_MIN, INT64_MIN};
  std::unique_ptr<runtime::Batch> pending_;
  std::string ns_;
  std::string row_bytes_;
  std::vector<std::vector<std::string>> read_;  // the RocksDB lists a probe read
  std::vector<std::string_view> elements_;      // a probe's rows, in order
  std::vector<Match> matches_;
  std::vector<Value> other_;
  // Probe filter: kFilterSlots slots per side (see above).
  static constexpr size_t kFilterSlots = 16384;
  size_t Slot(const std::string& key) const;
  std::vector<int64_t> live_until_[2];
  int64_t max_live_until_[2] = {runtime::kMinWatermark, runtime::kMinWatermark};
};

}  // namespace rtai::engine::operators
