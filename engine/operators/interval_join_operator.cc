#include "engine/operators/interval_join_operator.h"

#include <algorithm>

#include "base/byte_order.h"
#include "base/status_macros.h"
#include "engine/operators/interval_join_operator_rows.h"
#include "engine/record/key_encoding.h"

namespace rtai::engine::operators {

IntervalJoinOperator::IntervalJoinOperator(graph::IntervalJoinConfig config, const Schema* left,
                                           const Schema* right, const Schema* output)
    : config_(std::move(config)), schemas_{left, right}, output_(output),
      bucket_ms_(config_.upper_bound_ms - config_.lower_bound_ms + 1),
      pending_(std::make_unique<runtime::Batch>(output)) {
  for (auto& slots : live_until_) slots.assign(kFilterSlots, runtime::kMinWatermark);
}

size_t IntervalJoinOperator::Slot(const std::string& key) const {
  return std::hash<std::string_view>()(key) % kFilterSlots;
}

IntervalJoinOperator::~IntervalJoinOperator() = default;

absl::Status IntervalJoinOperator::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  if (ctx.state == nullptr) return absl::InternalError("interval join needs keyed state");
  if (bucket_ms_ < 1) return absl::InternalError("interval join: lower bound above upper");
  ASSIGN_OR_RETURN(rows_, ctx.state->GetListState(ctx.uid, {"rows", 0}));
  ASSIGN_OR_RETURN(timers_, ctx.state->GetTimerService(ctx.uid, {"cleanup", 0}));
  return absl::OkStatus();
}

int64_t IntervalJoinOperator::BucketOf(int64_t ts) const {
  int64_t r = ts % bucket_ms_;
  if (r < 0) r += bucket_ms_;
  return ts - r;
}

void IntervalJoinOperator::Namespace(int side, int64_t bucket, std::string* out) const {
  out->assign(1, static_cast<char>(side));
  char b[8];
  StoreBigEndian<uint64_t>(b, static_cast<uint64_t>(bucket) ^ (1ull << 63));
  out->append(b, 8);
}

void IntervalJoinOperator::Join(const Value* left, int64_t left_ts, const Value* right,
                                int64_t right_ts) {
  Value* row = pending_->rows.AddRow();
  size_t c = 0;
  for (size_t i = 0; i < schemas_[0]->num_fields(); ++i) row[c++] = pending_->rows.CopyValue(left[i]);
  for (size_t i = 0; i < schemas_[1]->num_fields(); ++i) row[c++] = pending_->rows.CopyValue(right[i]);
  pending_->timestamps.push_back(std::max(left_ts, right_ts));
}

absl::Status IntervalJoinOperator::Probe(int input, const std::string& key, const Value* row,
                                         int64_t ts) {
  // Matching other-side timestamps.
  const int64_t lo = input == 0 ? ts + config_.lower_bound_ms : ts - config_.upper_bound_ms;
  const int64_t hi = input == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
  const int other = 1 - input;
  // A buffered row can match only until its keep-until time (ts + upper on
  // the left, ts - lower on the right), and a match needs it >= ts.
  if (live_until_[other][Slot(key)] < ts) return absl::OkStatus();
  elements_.clear();
  for (int64_t bucket = BucketOf(lo); bucket <= hi; bucket += bucket_ms_) {
    Namespace(other, bucket, &ns_);
    ASSIGN_OR_RETURN(std::vector<std::string> list, rows_->Get(key, ns_));
    for (std::string& e : list) elements_.push_back(std::move(e));
  }
  if (elements_.empty()) return absl::OkStatus();
  matches_.clear();
  for (size_t i = 0; i < elements_.size(); ++i) {
    int64_t t = 0;
    RETURN_IF_ERROR(JoinRowTime(elements_[i], &t));
    if (t >= lo && t <= hi) matches_.push_back({t, i, elements_[i]});
  }
  std::sort(matches_.begin(), matches_.end(), [](const Match& a, const Match& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.order < b.order;
  });
  const size_t width = schemas_[other]->num_fields();
  for (const Match& m : matches_) {
    int64_t t = 0;
    RETURN_IF_ERROR(DecodeJoinRow(m.bytes, width, &t, &other_));
    if (input == 0) Join(row, ts, other_.data(), t);
    else Join(other_.data(), t, row, ts);
  }
  return absl::OkStatus();
}

absl::Status IntervalJoinOperator::Buffer(int side, const std::string& key, const Value* row,
                                          int64_t ts) {
  const int64_t bucket = BucketOf(ts);
  Namespace(side, bucket, &ns_);
  row_bytes_.clear();
  EncodeJoinRow(ts, row, schemas_[side]->num_fields(), &row_bytes_);
  RETURN_IF_ERROR(rows_->Add(key, ns_, row_bytes_));
  // The last moment a row of the bucket can still match; the bucket goes
  // once the watermark passes it.
  const int64_t last = bucket + bucket_ms_ - 1;
  const int64_t keep_until =
      side == 0 ? last + config_.upper_bound_ms : last - config_.lower_bound_ms;
  const int64_t row_until =
      side == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
  int64_t& slot = live_until_[side][Slot(key)];
  slot = std::max(slot, row_until);
  max_live_until_[side] = std::max(max_live_until_[side], row_until);
  return timers_->Register(keep_until + 1, key, ns_);
}

absl::Status IntervalJoinOperator::ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                                                runtime::Output* out) {
  if (input < 0 || input > 1) return absl::InternalError("interval_join has two inputs");
  const std::vector<int>& key_columns = input == 0 ? config_.left_columns : config_.right_columns;
  std::vector<Value> key_values(key_columns.size());
  std::string key;
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* row = batch->rows.row(i);
    const int64_t ts = batch->timestamps[i];
    if (ts < watermark_ || !runtime::EventTimeInRange(ts)) {
      ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    for (size_t k = 0; k < key_columns.size(); ++k) key_values[k] = row[key_columns[k]];
    key.clear();
    EncodeKey(key_values.data(), key_values.size(), &key);
    RETURN_IF_ERROR(Probe(input, key, row, ts));
    RETURN_IF_ERROR(Buffer(input, key, row, ts));
  }
  if (pending_->size() == 0) return absl::OkStatus();
  std::unique_ptr<runtime::Batch> result = std::move(pending_);
  pending_ = std::make_unique<runtime::Batch>(output_);
  return out->Emit(std::move(result));
}

absl::Status IntervalJoinOperator::ProcessWatermark(int64_t watermark, runtime::Output* out) {
  if (watermark <= watermark_) return absl::OkStatus();
  watermark_ = watermark;
  RETURN_IF_ERROR(timers_->PopUpTo(watermark, [&](const state::TimerService::Timer& t) {
    return rows_->Clear(t.key, t.ns);
  }));
  return out->EmitWatermark(watermark);
}

}  // namespace rtai::engine::operators
