#pragma once
// BrokerSource (broker_source v1): reads the partitions of a topic assigned to
// this subtask (partition % parallelism == subtask) through io::PartitionClient,
// decodes each value (JSON or CSV) into the event schema — or, with format
// "raw", emits (key, value, partition, offset) rows for a downstream `parse` —
// and generates watermarks.
//
// Watermarks: per partition, max event time seen - max_out_of_orderness - 1;
// the subtask's watermark is the minimum over partitions that are neither
// idle (no record for idle_timeout_ms, by the injected Clock) nor finished
// (bounded sources). When every remaining partition is idle the subtask
// reports itself idle, so a quiet partition does not stall the job.
// Malformed events are counted as dropped and, with dead_letter_topic, written
// there unchanged with headers rtai.error (the decoder's message) and
// rtai.source (topic/partition/offset). A watermark is emitted after every
// `source_batch_records` records (1 makes tests exact).
// Checkpoints: SnapshotState records each partition's next offset (and end,
// for bounded sources), the largest event time seen and the emitted
// watermark; RestoreState resumes from them (partitions not in the snapshot
// start at `start`). Called between Polls, so nothing is half-emitted.

#include <memory>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/operators/event_decoder.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class BrokerSource : public runtime::SourceOperator {
 public:
  // `schema` must outlive the source.
  BrokerSource(graph::SourceConfig config, const Schema* schema);

  absl::Status Open(const runtime::OperatorContext& ctx) override;
  // Never waits for data: reads what the partitions have now.
  absl::StatusOr<bool> Poll(runtime::Output* out) override;
  // After polls that read nothing: 1, 2, 4, ... 20 ms (backoff), else 0.
  int64_t NextPollDelayMs() const override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

 private:
  struct PartitionState {
    int32_t partition;
    int64_t offset = 0;
    int64_t end = 0;  // bounded only
    int64_t max_ts = runtime::kMinWatermark;
    int64_t last_active_ms = 0;
    bool finished = false;
  };
  absl::Status DecodeRecord(const PartitionState& p, io::ClientRecord& record);
  absl::Status FlushBatch(runtime::Output* out);
  absl::Status UpdateWatermark(runtime::Output* out);

  graph::SourceConfig config_;
  const Schema* schema_;
  EventDecoder decoder_;  // JSON and CSV
  std::vector<PartitionState> partitions_;
  std::unique_ptr<runtime::Batch> batch_;
  std::vector<io::ClientRecord> dead_letters_;
  int64_t emitted_watermark_ = runtime::kMinWatermark;
  bool idle_ = false;
  int empty_rounds_ = 0;  // consecutive polls that read nothing (capped)
};

}  // namespace rtai::engine::operators
