#include "engine/operators/nexmark_source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/status_macros.h"

namespace rtai::engine::operators {

NexmarkSource::NexmarkSource(const graph::NexmarkSourceConfig& config, const Schema* schema)
    : config_(config),
      generator_({config.seed, config.base_time_ms, config.events_per_second}),
      schema_(schema) {}

absl::Status NexmarkSource::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  next_ = ctx.subtask;
  return absl::OkStatus();
}

absl::StatusOr<bool> NexmarkSource::Poll(runtime::Output* out) {
  const bool bounded = config_.events > 0;
  if (bounded && next_ >= config_.events) return false;
  auto batch = std::make_unique<runtime::Batch>(schema_);
  const int64_t step = ctx_.parallelism;
  const int n = std::max(ctx_.source_batch_records, 1);
  batch->timestamps.reserve(n);
  int64_t max_ts = runtime::kMinWatermark;
  for (int k = 0; k < n && !(bounded && next_ >= config_.events); ++k, next_ += step) {
    const int64_t ts = generator_.AppendTo(next_, &batch->rows);
    batch->timestamps.push_back(ts);
    max_ts = std::max(max_ts, ts);
  }
  const int64_t count = static_cast<int64_t>(batch->size());
  ctx_.metrics->records_in.fetch_add(count, std::memory_order_relaxed);
  RETURN_IF_ERROR(out->Emit(std::move(batch)));
  const int64_t wm = max_ts - ctx_.max_out_of_orderness_ms - 1;
  if (count > 0 && wm > emitted_watermark_) {
    emitted_watermark_ = wm;
    ctx_.metrics->watermark.store(wm, std::memory_order_relaxed);
    RETURN_IF_ERROR(out->EmitWatermark(wm));
  }
  return !(bounded && next_ >= config_.events);
}

absl::StatusOr<std::string> NexmarkSource::SnapshotState(int64_t) {
  std::string bytes(16, '\0');
  StoreBigEndian<uint64_t>(bytes.data(), static_cast<uint64_t>(next_));
  StoreBigEndian<uint64_t>(bytes.data() + 8, static_cast<uint64_t>(emitted_watermark_));
  return bytes;
}

absl::Status NexmarkSource::RestoreState(std::string_view bytes) {
  if (bytes.empty()) return absl::OkStatus();
  if (bytes.size() != 16) {
    return absl::DataLossError(
        absl::StrCat("nexmark_source state must be 16 bytes, got ", bytes.size()));
  }
  const int64_t next = static_cast<int64_t>(LoadBigEndian<uint64_t>(bytes.data()));
  if (next < 0 || next % ctx_.parallelism != ctx_.subtask) {
    return absl::DataLossError(absl::StrCat("nexmark_source state: event number ", next,
                                            " does not belong to subtask ", ctx_.subtask, "/",
                                            ctx_.parallelism));
  }
  next_ = next;
  emitted_watermark_ = static_cast<int64_t>(LoadBigEndian<uint64_t>(bytes.data() + 8));
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
