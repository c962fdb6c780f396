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
//
// Consumer groups (config `group`): "start": "committed" starts each
// partition at the group's committed offset, or at `reset` (earliest or
// latest) when it has none or it lies outside the log (Kafka's
// auto.offset.reset); a restored snapshot wins over committed offsets. The
// source commits its offsets to the group (SourceOffsetCommitter: on
// checkpoint completion with checkpointing on, else every
// commit_interval_ms) and, when a bounded source ends, its end offsets.
// Commit failures are logged and counted, never fail the job.

#include <memory>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/operators/broker_source_offsets.h"
#include "engine/operators/event_decoder.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class BrokerSource : public runtime::SourceOperator {
 public:
  // `schema` must outlive the source. `checkpointing`: the job takes
  // periodic checkpoints (decides when group offsets are committed).
  BrokerSource(graph::SourceConfig config, const Schema* schema, bool checkpointing = false);

  absl::Status Open(const runtime::OperatorContext& ctx) override;
  // Never waits for data: reads what the partitions have now.
  absl::StatusOr<bool> Poll(runtime::Output* out) override;
  absl::Status Finish(runtime::Output* out) override;
  // After polls that read nothing: 1, 2, 4, ... 20 ms (backoff), else 0.
  int64_t NextPollDelayMs() const override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;
  absl::Status NotifyCheckpointComplete(int64_t checkpoint_id) override;

  // Group offset commits so far: successful and failed (0 without a group).
  int64_t offset_commits() const;
  int64_t offset_commit_failures() const;

 private:
  struct PartitionState {
    int32_t partition;
    int64_t offset = 0;
    int64_t end = 0;  // bounded only
    int64_t max_ts = runtime::kMinWatermark;
    int64_t last_active_ms = 0;
    bool finished = false;
  };
  // Start offsets of `partitions_` (Open): start, or committed and reset.
  absl::Status SetStartOffsets(const std::vector<std::pair<int64_t, int64_t>>& ranges);
  std::vector<io::PartitionOffset> CurrentOffsets() const;
  absl::Status DecodeRecord(const PartitionState& p, io::ClientRecord& record);
  absl::Status FlushBatch(runtime::Output* out);
  absl::Status UpdateWatermark(runtime::Output* out);

  graph::SourceConfig config_;
  const Schema* schema_;
  const bool checkpointing_;
  std::unique_ptr<SourceOffsetCommitter> committer_;  // null without a group
  EventDecoder decoder_;  // JSON and CSV
  std::vector<PartitionState> partitions_;
  std::unique_ptr<runtime::Batch> batch_;
  std::vector<io::ClientRecord> dead_letters_;
  int64_t emitted_watermark_ = runtime::kMinWatermark;
  bool idle_ = false;
  int empty_rounds_ = 0;  // consecutive polls that read nothing (capped)
};

}  // namespace rtai::engine::operators
