// IntervalJoinOperator::SnapshotState / RestoreState (docs/CHECKPOINTS.md).
// Version 2 (written now), SnapshotTag::kIntervalJoin: watermark i64 | per
// side (left, right) the latest keep-until time of any buffered row i64 (a
// restore fills the probe filter's slots with it). The
// buffers and cleanup timers are in RocksDB, captured by the task's RocksDB
// checkpoint right after this snapshot (the write-back tier and the timer
// batch are flushed here). A restore reads RocksDB for every bucket up to
// the newest restored row's.
// Version 1 (read only): watermark | key count, then per key (sorted): key
// bytes, and for side 0 and 1: row count, then (ts, one Value per column)
// each. Imported into RocksDB row by row on restore.

#include <algorithm>

#include "base/status_macros.h"
#include "engine/operators/interval_join_operator.h"

namespace rtai::engine::operators {

absl::StatusOr<std::string> IntervalJoinOperator::SnapshotState(int64_t) {
  if (timers_ != nullptr) {
    RETURN_IF_ERROR(SpillAll());  // the RocksDB checkpoint must hold every row
    RETURN_IF_ERROR(timers_->Flush());
  }
  runtime::SnapshotWriter w(runtime::SnapshotTag::kIntervalJoin, 2);
  w.I64(watermark_);
  w.I64(max_live_until_[0]);
  w.I64(max_live_until_[1]);
  return w.Finish();
}

absl::Status IntervalJoinOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(runtime::SnapshotReader r,
                   runtime::SnapshotReader::Open(bytes, runtime::SnapshotTag::kIntervalJoin, 2));
  if (rows_ == nullptr) {
    return absl::FailedPreconditionError("interval join: RestoreState before Open");
  }
  int64_t watermark = 0;
  RETURN_IF_ERROR(r.I64(&watermark));
  if (r.version() == 1) {
    RETURN_IF_ERROR(RestoreV1(&r));  // Buffer() fills the filter
  } else {
    for (int side = 0; side < 2; ++side) {
      RETURN_IF_ERROR(r.I64(&max_live_until_[side]));
      live_until_[side].assign(kFilterSlots, max_live_until_[side]);
      // The restored RocksDB may hold rows up to the newest row's bucket.
      if (max_live_until_[side] != runtime::kMinWatermark) {
        const __int128 newest = side == 0
            ? static_cast<__int128>(max_live_until_[side]) - config_.upper_bound_ms
            : static_cast<__int128>(max_live_until_[side]) + config_.lower_bound_ms;
        rocks_through_[side] = runtime::EventTimeInRange(static_cast<int64_t>(
                                   std::clamp<__int128>(newest, INT64_MIN, INT64_MAX)))
            ? BucketOf(static_cast<int64_t>(newest))
            : INT64_MAX;  // hostile or odd: always read RocksDB
      }
    }
  }
  RETURN_IF_ERROR(r.Done());
  watermark_ = watermark;
  return timers_->Flush();
}

absl::Status IntervalJoinOperator::RestoreV1(runtime::SnapshotReader* r) {
  uint64_t nkeys = 0;
  RETURN_IF_ERROR(r->Count(&nkeys, uint64_t{1} << 32, 8 + 16));
  std::vector<Value> row;
  for (uint64_t i = 0; i < nkeys; ++i) {
    std::string_view key_view;
    RETURN_IF_ERROR(r->Bytes(&key_view, 1 << 20));
    const std::string key(key_view);
    for (int side = 0; side < 2; ++side) {
      const size_t width = schemas_[side]->num_fields();
      uint64_t nrows = 0;
      RETURN_IF_ERROR(r->Count(&nrows, uint64_t{1} << 32, 8 + 2 * width));
      for (uint64_t j = 0; j < nrows; ++j) {
        int64_t ts = 0;
        RETURN_IF_ERROR(r->I64(&ts));
        if (!runtime::EventTimeInRange(ts)) return absl::DataLossError("join snapshot: bad time");
        row.assign(width, Value());
        for (size_t c = 0; c < width; ++c) RETURN_IF_ERROR(r->Val(&row[c]));
        RETURN_IF_ERROR(Buffer(side, key, row.data(), ts));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
