#pragma once
// Exchange: the sending end of one edge for one producing subtask. Routes
// batches to the consuming tasks' channels by the edge's partitioning
// (FORWARD, HASH by key group, BROADCAST, REBALANCE) and broadcasts
// watermarks, idleness, checkpoint barriers and end-of-stream in-band. A full channel blocks the
// sender (backpressure); the time blocked is added to `blocked_ns`. Used by
// one task thread.

#include <atomic>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "base/clock.h"
#include "engine/expr/row_functions.h"
#include "engine/graph/validated_graph.h"
#include "engine/runtime/input_gate.h"
#include "engine/runtime/stream_element.h"

namespace rtai::engine::runtime {

class Exchange {
 public:
  // `targets`: the consuming tasks' channels by subtask (not owned).
  static absl::StatusOr<std::unique_ptr<Exchange>> Create(
      const graph::ResolvedEdge& edge, const Schema* schema, std::vector<Channel*> targets,
      int producer_subtask, int sender_index, int max_parallelism, const Clock* clock,
      std::atomic<int64_t>* blocked_ns);

  const std::string& output() const { return output_; }
  absl::Status Send(std::unique_ptr<Batch> batch);
  absl::Status SendControl(ElementKind kind, int64_t watermark, int64_t checkpoint_id = 0);

 private:
  Exchange() = default;
  absl::Status Push(int target, Element e);

  job::Partitioning partitioning_ = job::FORWARD;
  std::string output_;
  const Schema* schema_ = nullptr;
  std::vector<Channel*> targets_;
  int producer_subtask_ = 0;
  int sender_index_ = 0;
  int input_index_ = 0;
  int max_parallelism_ = 128;
  size_t next_ = 0;
  std::unique_ptr<expr::KeySelector> key_;
  const Clock* clock_ = nullptr;
  std::atomic<int64_t>* blocked_ns_ = nullptr;
  std::string key_bytes_;
};

}  // namespace rtai::engine::runtime
