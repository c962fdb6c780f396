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
// - Event-time timers (in memory, ordered by time then key): a window fires
//   when the watermark passes its last timestamp; its state is dropped when
//   the watermark passes last timestamp + allowed_lateness. A record for a
//   window that already fired but is within allowed lateness updates it and
//   fires it again at once (Flink's late firing). A record whose windows are
//   all past their lateness goes to the "late" side output (counted as
//   dropped).
// - Count windows fire every `count` records of a key; they ignore time.
// - Processing-time windows ("time": "processing"): each record is stamped
//   with the task clock at arrival and windows fire on processing-time timers
//   (runtime/processing_timers.h) when the clock passes their end; upstream
//   watermarks are forwarded, and the final one (end of input) fires all.
// Output rows: key columns, window_start, window_end (time windows), the
// aggregates; the record timestamp is window_end - 1.
// Checkpoints: accumulators are in RocksDB (the task's RocksDB checkpoint);
// SnapshotState holds the rest — watermark, arrival sequence, timers, and per
// key its values, session set and count (window_operator_snapshot.cc).
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
#include "engine/window/session_windows.h"
#include "engine/window/window_assigners.h"

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
  // The values of one key (for output rows) and its per-key window bookkeeping.
  struct KeyEntry {
    std::vector<std::string> strings;  // reserved up front: views stay valid
    std::vector<Value> values;
    std::unique_ptr<window::MergingWindowSet> sessions;
    int64_t count = 0;  // count windows: records seen
    int64_t refs = 0;   // timers naming this key
  };
  struct Timer {
    int64_t time;
    bool cleanup;              // false = fire the window
    std::string key;
    window::TimeWindow window;  // the window to fire, or the namespace to drop
    friend bool operator<(const Timer& a, const Timer& b) {
      return std::tie(a.time, a.cleanup, a.key, a.window) <
             std::tie(b.time, b.cleanup, b.key, b.window);
    }
  };

  WindowOperator(graph::WindowConfig config, const Schema* input, const Schema* output);
  absl::Status AddTimeRecord(const std::string& key, const Value* row, const Value* inputs,
                             int64_t ts, runtime::Batch* late);
  absl::Status AddSessionRecord(const std::string& key, const Value* inputs, int64_t ts);
  absl::Status AddCountRecord(const std::string& key, const Value* inputs, int64_t ts);
  absl::Status FlushLocal();
  absl::Status Fire(const std::string& key, const window::TimeWindow& w);
  absl::Status Cleanup(const std::string& key, const window::TimeWindow& ns);
  absl::Status EmitRow(const std::string& key, const std::string& acc,
                       const window::TimeWindow* w, int64_t ts);
  absl::Status FlushOutput(runtime::Output* out);
  // Fires and cleans up every timer due at `time` (watermark or processing
  // time); `time` becomes the operator's time.
  absl::Status FireUpTo(int64_t time, runtime::Output* out);
  // Processing-time mode: a processing timer for the earliest pending timer.
  absl::Status ArmProcessingTimer();
  void AddTimer(Timer t);
  void RemoveTimer(const Timer& t);
  KeyEntry* EntryFor(const std::string& key, const Value* row);

  graph::WindowConfig config_;
  const Schema* input_;
  const Schema* output_;
  WindowAccumulator accumulator_;
  std::vector<std::unique_ptr<expr::Expression>> inputs_;  // null for count(*)
  std::optional<window::TumblingWindows> tumbling_;
  std::optional<window::SlidingWindows> sliding_;
  std::unique_ptr<state::AggregatingState> state_;

  int64_t watermark_ = runtime::kMinWatermark;
  int64_t seq_ = 0;
  std::set<Timer> timers_;
  absl::flat_hash_map<std::string, std::unique_ptr<KeyEntry>> keys_;
  // Batch-local pre-aggregation: (key, namespace) -> accumulator.
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> local_;
  std::set<std::pair<std::string, window::TimeWindow>> fire_now_;
  std::unique_ptr<runtime::Batch> pending_;  // output rows not yet emitted
  std::vector<Value> scratch_inputs_;
  std::vector<Value> scratch_results_;
  std::vector<window::TimeWindow> scratch_windows_;
  std::string scratch_acc_;
};

}  // namespace rtai::engine::operators
