#include "engine/operators/interval_join_operator.h"

#include <algorithm>

#include "base/byte_order.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/operators/interval_join_operator_rows.h"
#include "engine/record/key_encoding.h"

namespace rtai::engine::operators {
namespace {

int64_t ClampTime(__int128 t) {
  return static_cast<int64_t>(std::clamp<__int128>(t, INT64_MIN, INT64_MAX));
}

}  // namespace

IntervalJoinOperator::IntervalJoinOperator(graph::IntervalJoinConfig config, const Schema* left,
                                           const Schema* right, const Schema* output)
    : config_(std::move(config)), schemas_{left, right}, output_(output),
      bucket_ms_(config_.upper_bound_ms - config_.lower_bound_ms + 1),
      tier_(std::make_unique<JoinRowTier>(IntervalJoinTierOptions().memory_bytes)),
      pending_(std::make_unique<runtime::Batch>(output)) {
  for (auto& slots : live_until_) slots.assign(kFilterSlots, runtime::kMinWatermark);
}

size_t IntervalJoinOperator::Slot(const std::string& key) const {
  return std::hash<std::string_view>()(key) % kFilterSlots;
}

IntervalJoinOperator::~IntervalJoinOperator() = default;

void IntervalJoinOperator::SetTierOptions(IntervalJoinTierOptions options) {
  CHECK(tier_->empty());
  tier_ = std::make_unique<JoinRowTier>(options.memory_bytes);
}

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
  // RocksDB lists first (read all before taking views), then per bucket its
  // RocksDB rows (older) and its tier rows (newer).
  const int64_t first = BucketOf(lo);
  size_t n = 0;
  for (int64_t bucket = first; bucket <= hi; bucket += bucket_ms_, ++n) {
    if (read_.size() <= n) read_.resize(n + 1);
    read_[n].clear();
    if (bucket > rocks_through_[other]) continue;
    Namespace(other, bucket, &ns_);
    ASSIGN_OR_RETURN(read_[n], rows_->Get(key, ns_));
  }
  elements_.clear();
  n = 0;
  for (int64_t bucket = first; bucket <= hi; bucket += bucket_ms_, ++n) {
    for (const std::string& e : read_[n]) elements_.push_back(e);
    tier_->Get(other, bucket, key, &elements_);
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

__int128 IntervalJoinOperator::CleanupTime(int side, int64_t bucket) const {
  const __int128 last = static_cast<__int128>(bucket) + bucket_ms_ - 1;
  return (side == 0 ? last + config_.upper_bound_ms : last - config_.lower_bound_ms) + 1;
}

absl::Status IntervalJoinOperator::Spill(int side, int64_t bucket) {
  Namespace(side, bucket, &ns_);
  const int64_t time = ClampTime(CleanupTime(side, bucket));
  rocks_through_[side] = std::max(rocks_through_[side], bucket);
  return tier_->Take(side, bucket,
                     [&](const std::string& key, const std::vector<std::string>& rows) {
                       RETURN_IF_ERROR(rows_->AddAll(key, ns_, rows));
                       return timers_->Register(time, key, ns_);
                     });
}

absl::Status IntervalJoinOperator::SpillAll() {
  int side = 0;
  int64_t bucket = 0;
  while (tier_->Oldest(&side, &bucket)) RETURN_IF_ERROR(Spill(side, bucket));
  return absl::OkStatus();
}

absl::Status IntervalJoinOperator::Buffer(int side, const std::string& key, const Value* row,
                                          int64_t ts) {
  const int64_t bucket = BucketOf(ts);
  row_bytes_.clear();
  EncodeJoinRow(ts, row, schemas_[side]->num_fields(), &row_bytes_);
  const int64_t row_until =
      side == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
  int64_t& slot = live_until_[side][Slot(key)];
  slot = std::max(slot, row_until);
  max_live_until_[side] = std::max(max_live_until_[side], row_until);
  // Full: spill the oldest buckets until the row fits in half the bound
  // (amortizes spills), or the tier is empty.
  const JoinRowTier& tier = *tier_;
  if (tier.bytes() + tier.Charge(side, bucket, key, row_bytes_) > tier.bound_bytes()) {
    int s = 0;
    int64_t b = 0;
    while (tier.bytes() + tier.Charge(side, bucket, key, row_bytes_) > tier.bound_bytes() / 2 &&
           tier.Oldest(&s, &b)) {
      RETURN_IF_ERROR(Spill(s, b));
    }
  }
  if (tier.bytes() + tier.Charge(side, bucket, key, row_bytes_) <= tier.bound_bytes()) {
    tier_->Add(side, bucket, key, row_bytes_);
    return absl::OkStatus();
  }
  // Larger than the whole tier (which is empty now): straight to RocksDB.
  Namespace(side, bucket, &ns_);
  rocks_through_[side] = std::max(rocks_through_[side], bucket);
  RETURN_IF_ERROR(rows_->Add(key, ns_, row_bytes_));
  return timers_->Register(ClampTime(CleanupTime(side, bucket)), key, ns_);
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
  for (int side = 0; side < 2; ++side) {
    tier_->DropWhile(side, [&](int64_t bucket) { return CleanupTime(side, bucket) <= watermark; });
  }
  return out->EmitWatermark(watermark);
}

}  // namespace rtai::engine::operators
