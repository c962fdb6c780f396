#pragma once
// WindowOperator: keyed event-time windows (tumbling, sliding, session) and
// count windows with the aggregates of graph::WindowConfig.
//
// - Accumulators live in RocksDB keyed state (AggregatingState "acc", one
//   column family per operator uid), namespaced by window; sliding windows
//   keep one accumulator per *slice* (gcd(size, slide)) and merge the slices
//   of a window when it fires, so a record costs one state update however
//   many windows overlap. Within a batch, records of the same (key,
//   namespace) are pre-aggregated and written once.
// - Event-time timers in RocksDB (state::TimerService "timers", ordered by
//   time, then key, then fire-before-cleanup, then window): a window fires
//   when the watermark passes its last timestamp; its state is dropped when
//   the watermark passes last timestamp + allowed_lateness. A record for a
//   window that already fired but is within allowed lateness updates it and
//   fires it again at once (Flink's late firing). A record whose windows are
//   all past their lateness goes to the "late" side output (counted as
//   dropped).
// - Session windows: each key's open sessions are a ValueState "sessions";
//   count windows: each key's record count is a ValueState "count". Both are
//   cached only for the current batch or timer scan (at most kCacheKeys
//   keys) and written back at its end.
// - Count windows fire every `count` records of a key; they ignore time.
// - Processing-time windows ("time": "processing"): each record is stamped
//   with the task clock at arrival and windows fire on processing-time timers
//   (runtime/processing_timers.h) when the clock passes their end; upstream
//   watermarks are forwarded, and the final one (end of input) fires all.
// Output rows: key columns (decoded from the key bytes: nothing per key is
// kept in memory), window_start, window_end (time windows), the aggregates;
// the record timestamp is window_end - 1.
// Checkpoints: all per-key and per-window data is in RocksDB (the task's
// RocksDB checkpoint); SnapshotState holds the watermark and the arrival
// sequence (window_operator_snapshot.cc; version-1 snapshots, which carried
// keys and timers, are imported into RocksDB on restore).
// Thread safety: one task thread (runtime/operator.h).

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/expr/expression.h"
#include "engine/graph/operator_config.h"
#include "engine/operators/window_accumulator.h"
#include "engine/runtime/operator.h"
#include "engine/runtime/snapshot_codec.h"
#include "engine/window/session_windows.h"
#include "engine/window/window_assigners.h"
#include "state/timer_service.h"
#include "state/value_state.h"

namespace rtai::engine::operators {

class WindowOperator : public runtime::Operator {
 public:
  // `input` and `output` must outlive the operator.
  static absl::StatusOr<std::unique_ptr<WindowOperator>> Create(
      const graph::WindowConfig& config, const Schema* input, const Schema* output);

  ~WindowOperator() override;

  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t watermark, runtime::Output* out) override;
  absl::Status OnProcessingTime(int64_t time_ms, runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  // Keys whose sessions or counts are cached before being written back.
  static constexpr size_t kCacheKeys = 4096;
  struct LocalEntry {
    std::string key;
    window::TimeWindow ns;
    std::string acc;
  };

  WindowOperator(graph::WindowConfig config, const Schema* input, const Schema* output);
  absl::Status AddTimeRecord(const std::string& key, const Value* row, const Value* inputs,
                             int64_t ts, runtime::Batch* late);
  absl::Status AddSessionRecord(const std::string& key, const Value* inputs, int64_t ts);
  absl::Status AddCountRecord(const std::string& key, const Value* inputs, int64_t ts);
  // Writes the batch's pre-aggregates and registers their timers.
  absl::Status FlushLocal();
  absl::Status Fire(std::string_view key, const window::TimeWindow& w);
  absl::Status Cleanup(std::string_view key, const window::TimeWindow& ns);
  absl::Status OnTimer(const state::TimerService::Timer& t, runtime::Output* out);
  absl::Status EmitRow(std::string_view key, const std::string& acc,
                       const window::TimeWindow* w, int64_t ts);
  absl::Status FlushOutput(runtime::Output* out);
  // Fires and cleans up every timer due at `time` (watermark or processing
  // time); `time` becomes the operator's time.
  absl::Status FireUpTo(int64_t time, runtime::Output* out);
  // Processing-time mode: a processing timer for the earliest pending timer.
  absl::Status ArmProcessingTimer();
  absl::Status RegisterFire(std::string_view key, const window::TimeWindow& w);
  absl::Status RegisterCleanup(int64_t time, std::string_view key,
                               const window::TimeWindow& ns);
  absl::Status DeleteTimers(std::string_view key, const window::TimeWindow& w);
  // Tumbling and session windows without allowed lateness fire and are
  // dropped at the same time: one timer (kind fire-and-cleanup) does both.
  bool OneTimer() const { return !sliding_ && config_.allowed_lateness_ms == 0; }

  // window_operator_state.cc: the per-key caches.
  absl::StatusOr<window::MergingWindowSet*> SessionsOf(std::string_view key);
  absl::StatusOr<int64_t*> CountOf(std::string_view key);
  // Writes cached sessions and counts back to RocksDB and empties the caches.
  absl::Status FlushKeyCaches();
  absl::Status RestoreV1(runtime::SnapshotReader* r);
  absl::Status RestoreMemoryTimers(runtime::SnapshotReader* r);

  graph::WindowConfig config_;
  const Schema* input_;
  const Schema* output_;
  WindowAccumulator accumulator_;
  std::vector<std::unique_ptr<expr::Expression>> inputs_;  // null for count(*)
  std::optional<window::TumblingWindows> tumbling_;
  std::optional<window::SlidingWindows> sliding_;
  std::vector<TypeId> key_types_;  // output types of the key columns
  std::unique_ptr<state::AggregatingState> state_;
  std::unique_ptr<state::TimerService> timers_;
  std::unique_ptr<state::ValueState> sessions_state_;  // session windows
  std::unique_ptr<state::ValueState> counts_state_;    // count windows

  int64_t watermark_ = runtime::kMinWatermark;
  int64_t seq_ = 0;
  // Batch-local pre-aggregation: key + namespace -> accumulator.
  absl::flat_hash_map<std::string, LocalEntry> local_;
  absl::flat_hash_map<std::string, window::MergingWindowSet> session_cache_;
  absl::flat_hash_map<std::string, int64_t> count_cache_;
  std::set<std::pair<std::string, window::TimeWindow>> fire_now_;
  std::unique_ptr<runtime::Batch> pending_;  // output rows not yet emitted
  std::vector<Value> scratch_inputs_;
  std::vector<Value> scratch_results_;
  std::vector<Value> scratch_key_values_;
  std::vector<window::TimeWindow> scratch_windows_;
  std::string scratch_acc_;
  std::string scratch_ns_;
};

}  // namespace rtai::engine::operators
