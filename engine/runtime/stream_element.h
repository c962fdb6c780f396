#pragma once
// What flows between tasks: record batches, and in-band watermarks, idleness,
// checkpoint barriers and end-of-stream markers (so a watermark or barrier
// never overtakes the records it follows). Channels are bounded: see
// input_gate.h and channel capacity in RuntimeOptions.

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "engine/record/row_batch.h"

namespace rtai::engine::runtime {

inline constexpr int64_t kMinWatermark = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxWatermark = std::numeric_limits<int64_t>::max();
// Event times operators accept (about ±146 million years): window and join
// arithmetic (ts + size + lateness) cannot overflow inside it. Records
// outside are dropped by time-based operators (counted, late side output).
inline constexpr int64_t kMaxEventTimeMs = int64_t{1} << 62;
inline bool EventTimeInRange(int64_t ts) { return ts > -kMaxEventTimeMs && ts < kMaxEventTimeMs; }

// Rows of one schema with their event timestamps (ms), one per row.
struct Batch {
  explicit Batch(const Schema* schema) : rows(schema) {}
  RowBatch rows;
  std::vector<int64_t> timestamps;
  size_t size() const { return timestamps.size(); }
  void AppendRowCopy(const Value* row, int64_t ts) {
    rows.AppendRowCopy(row);
    timestamps.push_back(ts);
  }
};

// kBarrier: checkpoint `checkpoint_id` (docs/CHECKPOINTS.md) — everything
// the sender emitted before it belongs to the checkpoint, nothing after.
enum class ElementKind { kBatch, kWatermark, kIdle, kEnd, kBarrier };

struct Element {
  ElementKind kind = ElementKind::kBatch;
  int sender = 0;  // index among all senders into the receiving task
  int input = 0;   // which input of the receiving head operator
  std::unique_ptr<Batch> batch;
  int64_t watermark = kMinWatermark;
  int64_t checkpoint_id = 0;  // kBarrier only
};

}  // namespace rtai::engine::runtime
