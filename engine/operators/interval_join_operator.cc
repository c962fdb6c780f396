#include "engine/operators/interval_join_operator.h"

#include <algorithm>

#include "base/status_macros.h"
#include "engine/record/key_encoding.h"
#include "engine/runtime/snapshot_codec.h"

namespace rtai::engine::operators {

// A copy of one input row that owns its strings.
struct IntervalJoinOperator::OwnedRow {
  std::vector<std::string> strings;  // reserved up front: views stay valid
  std::vector<Value> values;
  OwnedRow(const Value* row, size_t width) {
    strings.reserve(width);
    for (size_t c = 0; c < width; ++c) {
      const Value& v = row[c];
      if (!v.is_null() && (v.type() == TypeId::kString || v.type() == TypeId::kBytes)) {
        strings.emplace_back(v.str());
        values.push_back(v.type() == TypeId::kString ? Value::String(strings.back())
                                                     : Value::Bytes(strings.back()));
      } else {
        values.push_back(v);
      }
    }
  }
};

IntervalJoinOperator::IntervalJoinOperator(graph::IntervalJoinConfig config, const Schema* left,
                                           const Schema* right, const Schema* output)
    : config_(std::move(config)), schemas_{left, right}, output_(output),
      pending_(std::make_unique<runtime::Batch>(output)) {}

IntervalJoinOperator::~IntervalJoinOperator() = default;

void IntervalJoinOperator::Join(const Value* left, int64_t left_ts, const Value* right,
                                int64_t right_ts) {
  Value* row = pending_->rows.AddRow();
  size_t c = 0;
  for (size_t i = 0; i < schemas_[0]->num_fields(); ++i) row[c++] = pending_->rows.CopyValue(left[i]);
  for (size_t i = 0; i < schemas_[1]->num_fields(); ++i) row[c++] = pending_->rows.CopyValue(right[i]);
  pending_->timestamps.push_back(std::max(left_ts, right_ts));
}

absl::Status IntervalJoinOperator::ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                                                runtime::Output* out) {
  if (input < 0 || input > 1) return absl::InternalError("interval_join has two inputs");
  const std::vector<int>& key_columns = input == 0 ? config_.left_columns : config_.right_columns;
  const size_t width = schemas_[input]->num_fields();
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
    KeyBuffers& buffers = keys_[key];
    // Matching other-side timestamps.
    const int64_t lo = input == 0 ? ts + config_.lower_bound_ms : ts - config_.upper_bound_ms;
    const int64_t hi = input == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
    const Buffer& other = buffers.side[1 - input];
    for (auto it = other.lower_bound(lo); it != other.end() && it->first <= hi; ++it) {
      const Value* o = it->second->values.data();
      if (input == 0) Join(row, ts, o, it->first);
      else Join(o, it->first, row, ts);
    }
    buffers.side[input].emplace(ts, std::make_unique<OwnedRow>(row, width));
    const int64_t keep_until =
        input == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
    cleanups_.insert({keep_until + 1, input, key, ts});
  }
  if (pending_->size() == 0) return absl::OkStatus();
  std::unique_ptr<runtime::Batch> result = std::move(pending_);
  pending_ = std::make_unique<runtime::Batch>(output_);
  return out->Emit(std::move(result));
}

absl::Status IntervalJoinOperator::ProcessWatermark(int64_t watermark, runtime::Output* out) {
  if (watermark <= watermark_) return absl::OkStatus();
  watermark_ = watermark;
  while (!cleanups_.empty() && cleanups_.begin()->time <= watermark) {
    const Cleanup c = *cleanups_.begin();
    cleanups_.erase(cleanups_.begin());
    auto it = keys_.find(c.key);
    if (it == keys_.end()) continue;
    it->second.side[c.side].erase(c.ts);
    if (it->second.side[0].empty() && it->second.side[1].empty()) keys_.erase(it);
  }
  return out->EmitWatermark(watermark);
}

// Layout (SnapshotTag::kIntervalJoin, version 1): watermark | key count, then
// per key (sorted): key bytes, and for side 0 and 1: row count, then
// (ts, one Value per column) each.
absl::StatusOr<std::string> IntervalJoinOperator::SnapshotState(int64_t) {
  runtime::SnapshotWriter w(runtime::SnapshotTag::kIntervalJoin, 1);
  w.I64(watermark_);
  std::vector<const std::string*> keys;
  for (const auto& [k, _] : keys_) keys.push_back(&k);
  std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  w.I64(static_cast<int64_t>(keys.size()));
  for (const std::string* k : keys) {
    w.Bytes(*k);
    const KeyBuffers& b = keys_.at(*k);
    for (int side = 0; side < 2; ++side) {
      w.I64(static_cast<int64_t>(b.side[side].size()));
      for (const auto& [ts, row] : b.side[side]) {
        w.I64(ts);
        for (const Value& v : row->values) w.Val(v);
      }
    }
  }
  return w.Finish();
}

absl::Status IntervalJoinOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(runtime::SnapshotReader r,
                   runtime::SnapshotReader::Open(bytes, runtime::SnapshotTag::kIntervalJoin, 1));
  keys_.clear();
  cleanups_.clear();
  RETURN_IF_ERROR(r.I64(&watermark_));
  uint64_t nkeys = 0;
  RETURN_IF_ERROR(r.Count(&nkeys, uint64_t{1} << 32, 8 + 16));
  std::vector<Value> row;
  for (uint64_t i = 0; i < nkeys; ++i) {
    std::string_view key_view;
    RETURN_IF_ERROR(r.Bytes(&key_view, 1 << 20));
    const std::string key(key_view);
    KeyBuffers& buffers = keys_[key];
    for (int side = 0; side < 2; ++side) {
      const size_t width = schemas_[side]->num_fields();
      uint64_t nrows = 0;
      RETURN_IF_ERROR(r.Count(&nrows, uint64_t{1} << 32, 8 + 2 * width));
      for (uint64_t j = 0; j < nrows; ++j) {
        int64_t ts = 0;
        RETURN_IF_ERROR(r.I64(&ts));
        if (!runtime::EventTimeInRange(ts)) return absl::DataLossError("join snapshot: bad time");
        row.assign(width, Value());
        for (size_t c = 0; c < width; ++c) RETURN_IF_ERROR(r.Val(&row[c]));
        buffers.side[side].emplace(ts, std::make_unique<OwnedRow>(row.data(), width));
        const int64_t keep_until =
            side == 0 ? ts + config_.upper_bound_ms : ts - config_.lower_bound_ms;
        cleanups_.insert({keep_until + 1, side, key, ts});
      }
    }
  }
  return r.Done();
}

}  // namespace rtai::engine::operators
