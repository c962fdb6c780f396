// WindowOperator::SnapshotState / RestoreState (docs/CHECKPOINTS.md).
// Version 3 (written now), SnapshotTag::kWindowOperator:
//   watermark i64 | seq i64
//   memory timers: count, then (time i64, key bytes, namespace bytes) each
// Everything per key or per window (accumulators, timers, sessions, counts)
// is in the operator's RocksDB column family, captured by the task's RocksDB
// checkpoint right after this snapshot; the timer write batch is written
// here so the checkpoint sees it. The timer service's bounded memory tier
// (state/timer_service.h) travels in the snapshot instead of being written
// to RocksDB at every checkpoint; restore registers those timers again.
// Version 2 (read only): watermark i64 | seq i64 (every timer in RocksDB).
// Version 1 (read only; written before timers moved to RocksDB):
//   watermark i64 | seq i64
//   keys: count, then per key (sorted by key bytes): key bytes | values:
//     count, Value each | sessions: count, (start, end) each | count i64
//   timers: count, then (time i64, cleanup u8, key bytes, start, end) each
// It is validated whole, then imported into RocksDB (sessions, counts,
// timers); the key values are not needed (decoded from the key bytes).

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/operators/window_operator.h"

namespace rtai::engine::operators {

using runtime::SnapshotReader;
using runtime::SnapshotWriter;

namespace {
constexpr uint64_t kMaxKeys = uint64_t{1} << 32;
constexpr uint64_t kMaxKeyBytes = 1 << 20;

struct V1Timer {
  int64_t time;
  bool cleanup;
  std::string key;
  window::TimeWindow window;
};
}  // namespace

absl::StatusOr<std::string> WindowOperator::SnapshotState(int64_t) {
  SnapshotWriter w(runtime::SnapshotTag::kWindowOperator, 3);
  w.I64(watermark_);
  w.I64(seq_);
  if (timers_ == nullptr) {  // count windows
    w.I64(0);
    return w.Finish();
  }
  RETURN_IF_ERROR(timers_->FlushWrites());
  w.I64(static_cast<int64_t>(timers_->memory_size()));
  timers_->ForEachMemoryTimer([&w](const state::TimerService::Timer& t) {
    w.I64(t.time);
    w.Bytes(t.key);
    w.Bytes(t.ns);
  });
  return w.Finish();
}

absl::Status WindowOperator::RestoreMemoryTimers(SnapshotReader* r) {
  uint64_t n = 0;
  RETURN_IF_ERROR(r->Count(&n, kMaxKeys, 8 + 8 + 8));
  if (n > 0 && timers_ == nullptr) {
    return absl::DataLossError("window snapshot: timers for an operator without timers");
  }
  for (uint64_t i = 0; i < n; ++i) {
    int64_t time = 0;
    std::string_view key, ns;
    RETURN_IF_ERROR(r->I64(&time));
    RETURN_IF_ERROR(r->Bytes(&key, kMaxKeyBytes));
    RETURN_IF_ERROR(r->Bytes(&ns, kMaxKeyBytes));
    RETURN_IF_ERROR(timers_->Register(time, key, ns));
  }
  return r->Done();
}

absl::Status WindowOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(SnapshotReader r,
                   SnapshotReader::Open(bytes, runtime::SnapshotTag::kWindowOperator, 3));
  int64_t watermark = 0, seq = 0;
  RETURN_IF_ERROR(r.I64(&watermark));
  RETURN_IF_ERROR(r.I64(&seq));
  if (r.version() == 1) {
    RETURN_IF_ERROR(RestoreV1(&r));
  } else {
    if (state_ == nullptr) {
      return absl::FailedPreconditionError("window operator: RestoreState before Open");
    }
    RETURN_IF_ERROR(r.version() == 3 ? RestoreMemoryTimers(&r) : r.Done());
  }
  watermark_ = watermark;
  seq_ = seq;
  return ArmProcessingTimer();  // processing-time timers are not checkpointed
}

absl::Status WindowOperator::RestoreV1(SnapshotReader* r) {
  uint64_t nkeys = 0;
  RETURN_IF_ERROR(r->Count(&nkeys, kMaxKeys, 8 + 8 + 8 + 8));
  absl::flat_hash_set<std::string> keys;
  std::vector<std::pair<std::string, window::MergingWindowSet>> sessions;
  std::vector<std::pair<std::string, int64_t>> counts;
  for (uint64_t i = 0; i < nkeys; ++i) {
    std::string_view key;
    RETURN_IF_ERROR(r->Bytes(&key, kMaxKeyBytes));
    uint64_t nvalues = 0;
    RETURN_IF_ERROR(r->Count(&nvalues, config_.key_columns.size(), 2));
    if (nvalues != config_.key_columns.size()) {
      return absl::DataLossError("window snapshot: key width does not match the operator");
    }
    for (uint64_t v = 0; v < nvalues; ++v) {
      Value value;
      RETURN_IF_ERROR(r->Val(&value));
    }
    uint64_t nsessions = 0;
    RETURN_IF_ERROR(r->Count(&nsessions, 10000, 16));
    if (config_.kind != graph::WindowKind::kSession && nsessions != 0) {
      return absl::DataLossError("window snapshot: sessions for a non-session window");
    }
    window::MergingWindowSet set(config_.kind == graph::WindowKind::kSession ? config_.gap_ms : 1);
    for (uint64_t s = 0; s < nsessions; ++s) {
      int64_t start = 0, end = 0;
      RETURN_IF_ERROR(r->I64(&start));
      RETURN_IF_ERROR(r->I64(&end));
      if (!runtime::EventTimeInRange(start) || !runtime::EventTimeInRange(end)) {
        return absl::DataLossError("window snapshot: session out of range");
      }
      if (absl::Status st = set.Restore({start, end}); !st.ok()) {
        return absl::DataLossError(absl::StrCat("window snapshot: ", st.message()));
      }
    }
    int64_t count = 0;
    RETURN_IF_ERROR(r->I64(&count));
    if (nsessions > 0) sessions.emplace_back(std::string(key), std::move(set));
    if (count != 0) counts.emplace_back(std::string(key), count);
    keys.insert(std::string(key));
  }
  uint64_t ntimers = 0;
  RETURN_IF_ERROR(r->Count(&ntimers, kMaxKeys, 8 + 1 + 8 + 16));
  std::vector<V1Timer> timers;
  for (uint64_t i = 0; i < ntimers; ++i) {
    V1Timer t;
    uint8_t cleanup = 0;
    std::string_view key;
    RETURN_IF_ERROR(r->I64(&t.time));
    RETURN_IF_ERROR(r->U8(&cleanup));
    RETURN_IF_ERROR(r->Bytes(&key, kMaxKeyBytes));
    RETURN_IF_ERROR(r->I64(&t.window.start_ms));
    RETURN_IF_ERROR(r->I64(&t.window.end_ms));
    if (t.window.start_ms >= t.window.end_ms) {
      return absl::DataLossError("window snapshot: empty timer window");
    }
    t.cleanup = cleanup != 0;
    t.key = std::string(key);
    if (!keys.contains(t.key)) return absl::DataLossError("window snapshot: timer of unknown key");
    timers.push_back(std::move(t));
  }
  RETURN_IF_ERROR(r->Done());
  if (state_ == nullptr) {
    return absl::FailedPreconditionError("window operator: RestoreState before Open");
  }
  // Valid: import into RocksDB.
  for (auto& [key, set] : sessions) {
    if (sessions_state_ == nullptr) break;
    session_cache_.insert_or_assign(key, std::move(set));
    if (session_cache_.size() >= kCacheKeys) RETURN_IF_ERROR(FlushKeyCaches());
  }
  for (const auto& [key, count] : counts) {
    if (counts_state_ == nullptr) break;
    count_cache_.insert_or_assign(key, count);
    if (count_cache_.size() >= kCacheKeys) RETURN_IF_ERROR(FlushKeyCaches());
  }
  RETURN_IF_ERROR(FlushKeyCaches());
  for (const V1Timer& t : timers) {
    if (timers_ == nullptr) break;
    if (t.cleanup) {
      RETURN_IF_ERROR(RegisterCleanup(t.time, t.key, t.window));
    } else if (!OneTimer()) {  // else the cleanup timer fires it too
      RETURN_IF_ERROR(RegisterFire(t.key, t.window));
    }
  }
  return timers_ == nullptr ? absl::OkStatus() : timers_->Flush();
}

}  // namespace rtai::engine::operators
