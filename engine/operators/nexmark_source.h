#pragma once
// NexmarkSource (nexmark_source v1): the Nexmark event mix generated in
// process (engine/nexmark), like Flink's Nexmark datagen source. Subtask s
// of p generates the event numbers i with i % p == s, in order, one batch
// of OperatorContext::source_batch_records per Poll; after each batch the
// watermark is the newest event time minus the job's max out-of-orderness
// (Nexmark: 4 s). Bounded when `events` > 0. Its state is the next event
// number (SnapshotState / RestoreState).

#include <memory>

#include "engine/graph/operator_config.h"
#include "engine/nexmark/nexmark_generator.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class NexmarkSource : public runtime::SourceOperator {
 public:
  // `schema` (NexmarkGenerator::EventSchema()) must outlive the source.
  NexmarkSource(const graph::NexmarkSourceConfig& config, const Schema* schema);

  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::StatusOr<bool> Poll(runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  graph::NexmarkSourceConfig config_;
  nexmark::NexmarkGenerator generator_;
  const Schema* schema_;
  int64_t next_ = 0;  // the next event number this subtask generates
  int64_t emitted_watermark_ = runtime::kMinWatermark;
};

}  // namespace rtai::engine::operators
