#pragma once
// Exchange: the sending end of one edge for one producing subtask. Routes
// batches to the consuming tasks' channels by the edge's partitioning
// (FORWARD, HASH by key group, BROADCAST, REBALANCE) and broadcasts
// watermarks, idleness, checkpoint barriers and end-of-stream in-band.
// Sending never blocks (InputGate::Offer); backpressure is the producing
// task asking HasRoomOrWait before each unit of work and waiting (off the
// worker) while any target queue is full (task.h). Used by one task at a time.

#include <atomic>
#include <memory>
#include <vector>

#include "absl/status/status.h"
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
      int producer_subtask, int sender_index, int max_parallelism);

  const std::string& output() const { return output_; }
  absl::Status Send(std::unique_ptr<Batch> batch);
  absl::Status SendControl(ElementKind kind, int64_t watermark, int64_t checkpoint_id = 0);
  // True if every target queue of this sender is below capacity. Lock-free.
  bool HasRoom() const;
  // HasRoom, or else `producer` is woken once the first full target has room.
  bool HasRoomOrWait(ScheduledTask* producer);

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
  std::string key_bytes_;
};

}  // namespace rtai::engine::runtime
