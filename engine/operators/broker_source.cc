#include "engine/operators/broker_source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/runtime/snapshot_codec.h"

namespace rtai::engine::operators {
namespace {

constexpr int32_t kReadBytes = 1 << 20;
// After rounds that read nothing, the task waits 1, 2, 4, ... up to this many
// ms before polling again (off the worker; runtime/task.h).
constexpr int64_t kMaxIdleWaitMs = 20;

}  // namespace

BrokerSource::BrokerSource(graph::SourceConfig config, const Schema* schema,
                           bool checkpointing)
    : config_(std::move(config)), schema_(schema), checkpointing_(checkpointing),
      decoder_(config_.format, schema, config_.csv_delimiter, config_.ignore_unknown_fields,
               config_.event_time_column),
      batch_(std::make_unique<runtime::Batch>(schema)) {}

absl::Status BrokerSource::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  if (ctx.client == nullptr) return absl::FailedPreconditionError("no broker client");
  if (!config_.group.empty()) {
    io::GroupOffsets* groups = ctx.client->group_offsets();
    if (groups == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "broker_source `group` \"", config_.group,
          "\": this broker offers no consumer-group offsets (rtaid keeps them with its Kafka "
          "listener: start it with --kafka-listen)"));
    }
    committer_ = std::make_unique<SourceOffsetCommitter>(
        config_.group, config_.topic, groups, checkpointing_, config_.commit_interval_ms,
        ctx.clock);
  }
  ASSIGN_OR_RETURN(int32_t count, ctx.client->PartitionCount(config_.topic));
  std::vector<int32_t> wanted = config_.partitions;
  if (wanted.empty()) {
    for (int32_t p = 0; p < count; ++p) wanted.push_back(p);
  }
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (int32_t p : wanted) {
    if (p >= count) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic `", config_.topic, "` has no partition ", p, " (it has ", count, ")"));
    }
    if (p % ctx.parallelism != ctx.subtask) continue;
    PartitionState s;
    s.partition = p;
    ASSIGN_OR_RETURN(auto range, ctx.client->OffsetRange(config_.topic, p));
    ranges.push_back(range);
    s.end = range.second;
    s.last_active_ms = ctx.clock->NowMillis();
    partitions_.push_back(s);
  }
  return SetStartOffsets(ranges);
}

absl::Status BrokerSource::SetStartOffsets(
    const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  std::vector<int64_t> committed(partitions_.size(), io::kNoCommittedOffset);
  if (config_.start == graph::StartPosition::kCommitted && !partitions_.empty()) {
    std::vector<int32_t> ids;
    for (const PartitionState& p : partitions_) ids.push_back(p.partition);
    absl::StatusOr<std::vector<int64_t>> got = committer_->FetchCommitted(ids);
    if (!got.ok()) {
      return absl::Status(got.status().code(),
                          absl::StrCat("fetching the committed offsets of group `", config_.group,
                                       "`: ", got.status().message()));
    }
    committed = *std::move(got);
  }
  for (size_t i = 0; i < partitions_.size(); ++i) {
    PartitionState& p = partitions_[i];
    const auto [first, end] = ranges[i];
    graph::StartPosition start = config_.start;
    if (start == graph::StartPosition::kCommitted) {
      if (committed[i] >= first && committed[i] <= end) {
        p.offset = committed[i];
      } else {
        if (committed[i] != io::kNoCommittedOffset) {
          LogWarning("broker_source: committed offset outside the log; using `reset`",
                     {{"group", config_.group}, {"topic", config_.topic},
                      {"partition", p.partition}, {"committed", committed[i]},
                      {"log_start", first}, {"log_end", end}});
        }
        start = config_.reset;
      }
    }
    if (start == graph::StartPosition::kEarliest) p.offset = first;
    if (start == graph::StartPosition::kLatest) p.offset = end;
    p.finished = config_.bounded && p.offset >= p.end;
  }
  return absl::OkStatus();
}

std::vector<io::PartitionOffset> BrokerSource::CurrentOffsets() const {
  std::vector<io::PartitionOffset> out;
  out.reserve(partitions_.size());
  for (const PartitionState& p : partitions_) out.push_back({p.partition, p.offset});
  return out;
}

absl::Status BrokerSource::DecodeRecord(const PartitionState& p, io::ClientRecord& record) {
  if (config_.format == graph::EventFormat::kRaw) {
    Value* row = batch_->rows.AddRow();
    row[0] = Value::Bytes(batch_->rows.CopyBytes(record.key));
    row[1] = Value::Bytes(batch_->rows.CopyBytes(record.value));
    row[2] = Value::Int64(p.partition);
    row[3] = Value::Int64(record.offset);
    batch_->timestamps.push_back(record.timestamp_ms);
    return absl::OkStatus();
  }
  const absl::Status s = decoder_.Decode(record.value, record.timestamp_ms, batch_.get());
  if (!s.ok()) {
    ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
    if (!config_.dead_letter_topic.empty()) {
      record.headers.emplace_back("rtai.error", std::string(s.message()));
      record.headers.emplace_back(
          "rtai.source", absl::StrCat(config_.topic, "/", p.partition, "/", record.offset));
      dead_letters_.push_back(std::move(record));
    }
  }
  return absl::OkStatus();
}

absl::Status BrokerSource::FlushBatch(runtime::Output* out) {
  if (!dead_letters_.empty()) {
    RETURN_IF_ERROR(ctx_.client->Append(config_.dead_letter_topic, std::move(dead_letters_)));
    dead_letters_.clear();
  }
  if (batch_->size() == 0) return absl::OkStatus();
  ctx_.metrics->records_in.fetch_add(static_cast<int64_t>(batch_->size()),
                                     std::memory_order_relaxed);
  std::unique_ptr<runtime::Batch> batch = std::move(batch_);
  batch_ = std::make_unique<runtime::Batch>(schema_);
  return out->Emit(std::move(batch));
}

absl::Status BrokerSource::UpdateWatermark(runtime::Output* out) {
  const int64_t now = ctx_.clock->NowMillis();
  int64_t wm = runtime::kMaxWatermark;
  bool any_active = false;
  for (const PartitionState& p : partitions_) {
    if (p.finished) continue;
    if (ctx_.idle_timeout_ms > 0 && now - p.last_active_ms >= ctx_.idle_timeout_ms) continue;
    any_active = true;
    // Clamped: an event time near INT64_MIN must not wrap around.
    const int64_t pwm = p.max_ts < runtime::kMinWatermark + ctx_.max_out_of_orderness_ms + 1
                            ? runtime::kMinWatermark
                            : p.max_ts - ctx_.max_out_of_orderness_ms - 1;
    wm = std::min(wm, pwm);
  }
  if (!any_active) {
    const bool all_finished =
        !partitions_.empty() && std::all_of(partitions_.begin(), partitions_.end(),
                                            [](const PartitionState& p) { return p.finished; });
    if (idle_ || all_finished) {
      return absl::OkStatus();
    }
    idle_ = true;
    return out->EmitIdle();
  }
  if (wm > emitted_watermark_ || (idle_ && wm != runtime::kMinWatermark)) {
    idle_ = false;
    emitted_watermark_ = std::max(emitted_watermark_, wm);
    ctx_.metrics->watermark.store(emitted_watermark_, std::memory_order_relaxed);
    return out->EmitWatermark(emitted_watermark_);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> BrokerSource::Poll(runtime::Output* out) {
  if (committer_ != nullptr && !committer_->checkpointing() && committer_->IntervalDue()) {
    // Records before these offsets were emitted (at-least-once on restart).
    committer_->CommitNow(CurrentOffsets(), "interval");
  }
  bool read_any = false;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    PartitionState& p = partitions_[i];
    if (p.finished) continue;
    ASSIGN_OR_RETURN(io::ReadResult r, ctx_.client->ReadBatch(config_.topic, p.partition,
                                                              p.offset, kReadBytes, /*wait=*/0));
    if (!r.records.empty()) p.last_active_ms = ctx_.clock->NowMillis();
    bool yielded = false;
    for (io::ClientRecord& record : r.records) {
      if (config_.bounded && record.offset >= p.end) break;
      read_any = true;
      p.offset = record.offset + 1;
      const size_t before = batch_->size();
      RETURN_IF_ERROR(DecodeRecord(p, record));
      if (batch_->size() > before) p.max_ts = std::max(p.max_ts, batch_->timestamps.back());
      if (batch_->size() >= static_cast<size_t>(ctx_.source_batch_records)) {
        RETURN_IF_ERROR(FlushBatch(out));
        RETURN_IF_ERROR(UpdateWatermark(out));
        // A checkpoint is due (the barrier must follow this batch) or an
        // output queue is full (the task waits for space off its worker):
        // return; the rest of the read is fetched again from p.offset.
        if (ctx_.yield_requested && ctx_.yield_requested()) {
          yielded = true;
          break;
        }
      }
    }
    if (!yielded && (r.records.empty() || !config_.bounded)) {
      p.offset = std::max(p.offset, r.next_offset);
    }
    if (config_.bounded && p.offset >= p.end) p.finished = true;
    if (yielded) break;
  }
  // Nothing assigned (unbounded): idle for good; NextPollDelayMs keeps the
  // task from spinning.
  empty_rounds_ = read_any ? 0 : std::min(empty_rounds_ + 1, 16);
  RETURN_IF_ERROR(FlushBatch(out));
  RETURN_IF_ERROR(UpdateWatermark(out));
  return !std::all_of(partitions_.begin(), partitions_.end(),
                      [](const PartitionState& p) { return p.finished; }) ||
         (partitions_.empty() && !config_.bounded);
}

int64_t BrokerSource::NextPollDelayMs() const {
  if (empty_rounds_ == 0) return 0;
  return std::min<int64_t>(kMaxIdleWaitMs, int64_t{1} << (empty_rounds_ - 1));
}

absl::StatusOr<std::string> BrokerSource::SnapshotState(int64_t checkpoint_id) {
  runtime::SnapshotWriter w(runtime::SnapshotTag::kBrokerSource, 1);
  w.I64(emitted_watermark_);
  w.I64(static_cast<int64_t>(partitions_.size()));
  for (const PartitionState& p : partitions_) {
    w.U32(static_cast<uint32_t>(p.partition));
    w.I64(p.offset);
    w.I64(p.end);
    w.I64(p.max_ts);
    w.U8(p.finished ? 1 : 0);
  }
  if (committer_ != nullptr && committer_->checkpointing()) {
    committer_->OnSnapshot(checkpoint_id, CurrentOffsets());
  }
  return w.Finish();
}

absl::Status BrokerSource::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(runtime::SnapshotReader r,
                   runtime::SnapshotReader::Open(bytes, runtime::SnapshotTag::kBrokerSource, 1));
  int64_t wm = 0;
  uint64_t n = 0;
  RETURN_IF_ERROR(r.I64(&wm));
  RETURN_IF_ERROR(r.Count(&n, 1 << 20, 29));
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t partition = 0;
    int64_t offset = 0, end = 0, max_ts = 0;
    uint8_t finished = 0;
    RETURN_IF_ERROR(r.U32(&partition));
    RETURN_IF_ERROR(r.I64(&offset));
    RETURN_IF_ERROR(r.I64(&end));
    RETURN_IF_ERROR(r.I64(&max_ts));
    RETURN_IF_ERROR(r.U8(&finished));
    PartitionState* p = nullptr;
    for (PartitionState& q : partitions_) {
      if (q.partition == static_cast<int32_t>(partition)) p = &q;
    }
    if (p == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "snapshot has partition ", partition, " of `", config_.topic,
          "`, which this subtask does not read"));
    }
    if (offset < 0) return absl::DataLossError("source snapshot: negative offset");
    p->offset = offset;
    if (config_.bounded) p->end = end;
    p->max_ts = max_ts;
    p->finished = config_.bounded && (finished != 0 || p->offset >= p->end);
  }
  RETURN_IF_ERROR(r.Done());
  emitted_watermark_ = wm;
  ctx_.metrics->watermark.store(wm, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status BrokerSource::NotifyCheckpointComplete(int64_t checkpoint_id) {
  if (committer_ != nullptr && committer_->checkpointing()) {
    committer_->OnCheckpointComplete(checkpoint_id);
  }
  return absl::OkStatus();
}

absl::Status BrokerSource::Finish(runtime::Output*) {
  // A bounded source read to its end: commit the end offsets in both modes
  // (Flink's final checkpoint does the same).
  if (committer_ != nullptr) committer_->CommitNow(CurrentOffsets(), "source end");
  return absl::OkStatus();
}

int64_t BrokerSource::offset_commits() const {
  return committer_ == nullptr ? 0 : committer_->commits();
}

int64_t BrokerSource::offset_commit_failures() const {
  return committer_ == nullptr ? 0 : committer_->commit_failures();
}

}  // namespace rtai::engine::operators
