#include "engine/operators/window_operator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/record/key_encoding.h"
#include "engine/window/state_accumulator.h"

namespace rtai::engine::operators {

using graph::WindowKind;
using runtime::Batch;
using window::TimeWindow;

WindowOperator::WindowOperator(graph::WindowConfig config, const Schema* input,
                               const Schema* output)
    : config_(std::move(config)), input_(input), output_(output),
      accumulator_(&config_.aggregates), pending_(std::make_unique<Batch>(output)) {}

WindowOperator::~WindowOperator() = default;

absl::StatusOr<std::unique_ptr<WindowOperator>> WindowOperator::Create(
    const graph::WindowConfig& config, const Schema* input, const Schema* output) {
  std::unique_ptr<WindowOperator> op(new WindowOperator(config, input, output));
  for (const graph::AggregateSpec& a : op->config_.aggregates) {
    if (a.expr.empty()) {
      op->inputs_.push_back(nullptr);
      continue;
    }
    ASSIGN_OR_RETURN(auto e, expr::Expression::Compile(a.expr, *input));
    op->inputs_.push_back(std::move(e));
  }
  if (config.kind == WindowKind::kTumbling) {
    ASSIGN_OR_RETURN(auto t, window::TumblingWindows::Create(config.size_ms, 0));
    op->tumbling_.emplace(t);
  } else if (config.kind == WindowKind::kSliding) {
    ASSIGN_OR_RETURN(auto s, window::SlidingWindows::Create(config.size_ms, config.slide_ms, 0));
    op->sliding_.emplace(s);
  }
  return op;
}

absl::Status WindowOperator::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  if (ctx.state == nullptr) return absl::InternalError("window operator needs keyed state");
  ASSIGN_OR_RETURN(state_, ctx.state->GetAggregatingState(ctx.uid, {"acc", 0}, &accumulator_));
  return absl::OkStatus();
}

WindowOperator::KeyEntry* WindowOperator::EntryFor(const std::string& key, const Value* row) {
  auto it = keys_.find(key);
  if (it != keys_.end()) return it->second.get();
  auto entry = std::make_unique<KeyEntry>();
  entry->strings.reserve(config_.key_columns.size());
  for (int col : config_.key_columns) {
    const Value& v = row[col];
    if (!v.is_null() && (v.type() == TypeId::kString || v.type() == TypeId::kBytes)) {
      entry->strings.emplace_back(v.str());
      entry->values.push_back(v.type() == TypeId::kString ? Value::String(entry->strings.back())
                                                          : Value::Bytes(entry->strings.back()));
    } else {
      entry->values.push_back(v);
    }
  }
  if (config_.kind == WindowKind::kSession) {
    entry->sessions = std::make_unique<window::MergingWindowSet>(config_.gap_ms);
  }
  KeyEntry* raw = entry.get();
  keys_.emplace(key, std::move(entry));
  return raw;
}

void WindowOperator::AddTimer(Timer t) {
  const std::string key = t.key;
  if (timers_.insert(std::move(t)).second) ++keys_.at(key)->refs;
}

void WindowOperator::RemoveTimer(const Timer& t) {
  if (timers_.erase(t) == 0) return;
  auto it = keys_.find(t.key);
  if (--it->second->refs == 0 && config_.kind != WindowKind::kCount &&
      (it->second->sessions == nullptr || it->second->sessions->size() == 0)) {
    keys_.erase(it);
  }
}

absl::Status WindowOperator::AddTimeRecord(const std::string& key, const Value* row,
                                           const Value* inputs, int64_t ts, Batch* late) {
  TimeWindow ns{};
  scratch_windows_.clear();
  if (tumbling_) {
    ns = tumbling_->WindowFor(ts);
    scratch_windows_.push_back(ns);
  } else {
    ns = sliding_->SliceFor(ts);
    sliding_->WindowsOfSlice(ns, &scratch_windows_);
  }
  int64_t last_end = ns.end_ms;
  for (const TimeWindow& w : scratch_windows_) last_end = std::max(last_end, w.end_ms);
  const int64_t cleanup_time = last_end - 1 + config_.allowed_lateness_ms;
  if (cleanup_time <= watermark_) {
    late->AppendRowCopy(row, ts);
    ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
    return absl::OkStatus();
  }
  EntryFor(key, row);
  std::string local_key = key;
  local_key += window::EncodeWindowNamespace(ns);
  auto [it, inserted] = local_.try_emplace(std::move(local_key));
  if (inserted) it->second = {key, accumulator_.CreateAccumulator()};
  accumulator_.AddRecord(inputs, ts, seq_++, &it->second.second);
  for (const TimeWindow& w : scratch_windows_) {
    if (w.max_timestamp() + config_.allowed_lateness_ms <= watermark_) continue;  // purged
    if (w.max_timestamp() <= watermark_) {
      fire_now_.insert({key, w});
    } else {
      AddTimer({w.max_timestamp(), false, key, w});
    }
  }
  AddTimer({cleanup_time, true, key, ns});
  return absl::OkStatus();
}

absl::Status WindowOperator::FlushLocal() {
  for (auto& [local_key, entry] : local_) {
    const std::string_view ns = std::string_view(local_key).substr(entry.first.size());
    RETURN_IF_ERROR(state_->Add(entry.first, ns, entry.second));
  }
  local_.clear();
  return absl::OkStatus();
}

absl::Status WindowOperator::AddSessionRecord(const std::string& key, const Value* inputs,
                                              int64_t ts) {
  KeyEntry* entry = keys_.at(key).get();
  ASSIGN_OR_RETURN(window::MergingWindowSet::AddResult r, entry->sessions->Add(ts));
  const int64_t lateness = config_.allowed_lateness_ms;
  std::vector<std::string> sources;
  for (const TimeWindow& m : r.merged) {
    RemoveTimer({m.max_timestamp(), false, key, m});
    RemoveTimer({m.max_timestamp() + lateness, true, key, m});
    sources.push_back(window::EncodeWindowNamespace(m));
  }
  const std::string ns = window::EncodeWindowNamespace(r.session);
  if (!sources.empty()) RETURN_IF_ERROR(state_->MergeNamespaces(key, ns, sources));
  scratch_acc_ = accumulator_.CreateAccumulator();
  accumulator_.AddRecord(inputs, ts, seq_++, &scratch_acc_);
  RETURN_IF_ERROR(state_->Add(key, ns, scratch_acc_));
  if (r.session.max_timestamp() <= watermark_) {
    fire_now_.insert({key, r.session});
  } else {
    AddTimer({r.session.max_timestamp(), false, key, r.session});
  }
  AddTimer({r.session.max_timestamp() + lateness, true, key, r.session});
  return absl::OkStatus();
}

absl::Status WindowOperator::AddCountRecord(const std::string& key, const Value* inputs,
                                            int64_t ts) {
  KeyEntry* entry = keys_.at(key).get();
  const int64_t index = entry->count++ / config_.count;
  const std::string ns = window::EncodeWindowNamespace(TimeWindow{index, index + 1});
  scratch_acc_ = accumulator_.CreateAccumulator();
  accumulator_.AddRecord(inputs, ts, seq_++, &scratch_acc_);
  RETURN_IF_ERROR(state_->Add(key, ns, scratch_acc_));
  if (entry->count % config_.count != 0) return absl::OkStatus();
  std::string acc;
  ASSIGN_OR_RETURN(bool found, state_->Get(key, ns, &acc));
  if (found) RETURN_IF_ERROR(EmitRow(key, acc, nullptr, ts));
  return state_->Clear(key, ns);
}

absl::Status WindowOperator::ProcessBatch(int, std::unique_ptr<Batch> batch,
                                          runtime::Output* out) {
  if (config_.processing_time) {
    // Assigned by arrival time; never behind what already fired, even if
    // the wall clock steps back.
    const int64_t now = std::max(ctx_.clock->NowMillis(), watermark_ + 1);
    std::fill(batch->timestamps.begin(), batch->timestamps.end(), now);
  }
  auto late = std::make_unique<Batch>(input_);
  std::string key;
  std::vector<Value> key_values(config_.key_columns.size());
  scratch_inputs_.resize(inputs_.size());
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* row = batch->rows.row(i);
    const int64_t ts = batch->timestamps[i];
    if (config_.kind != WindowKind::kCount && !runtime::EventTimeInRange(ts)) {
      late->AppendRowCopy(row, ts);
      ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    for (size_t k = 0; k < key_values.size(); ++k) key_values[k] = row[config_.key_columns[k]];
    key.clear();
    EncodeKey(key_values.data(), key_values.size(), &key);
    for (size_t a = 0; a < inputs_.size(); ++a) {
      scratch_inputs_[a] = inputs_[a] ? inputs_[a]->Evaluate(row) : Value::Null();
    }
    switch (config_.kind) {
      case WindowKind::kTumbling:
      case WindowKind::kSliding:
        RETURN_IF_ERROR(AddTimeRecord(key, row, scratch_inputs_.data(), ts, late.get()));
        break;
      case WindowKind::kSession:
        if (ts + config_.gap_ms - 1 + config_.allowed_lateness_ms <= watermark_) {
          late->AppendRowCopy(row, ts);
          ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
          break;
        }
        EntryFor(key, row);
        RETURN_IF_ERROR(AddSessionRecord(key, scratch_inputs_.data(), ts));
        break;
      case WindowKind::kCount:
        EntryFor(key, row);
        RETURN_IF_ERROR(AddCountRecord(key, scratch_inputs_.data(), ts));
        break;
    }
  }
  RETURN_IF_ERROR(FlushLocal());
  for (const auto& [k, w] : fire_now_) RETURN_IF_ERROR(Fire(k, w));
  fire_now_.clear();
  if (late->size() > 0) RETURN_IF_ERROR(out->EmitSide("late", std::move(late)));
  RETURN_IF_ERROR(FlushOutput(out));
  return ArmProcessingTimer();
}

absl::Status WindowOperator::Fire(const std::string& key, const TimeWindow& w) {
  scratch_windows_.clear();
  if (sliding_) {
    sliding_->SlicesOfWindow(w, &scratch_windows_);
  } else {
    scratch_windows_.push_back(w);
  }
  std::string acc = accumulator_.CreateAccumulator();
  std::string part;
  bool any = false;
  for (const TimeWindow& ns : scratch_windows_) {
    ASSIGN_OR_RETURN(bool found, state_->Get(key, window::EncodeWindowNamespace(ns), &part));
    if (!found) continue;
    RETURN_IF_ERROR(accumulator_.Merge(part, &acc));
    any = true;
  }
  if (!any) return absl::OkStatus();
  return EmitRow(key, acc, &w, w.max_timestamp());
}

absl::Status WindowOperator::Cleanup(const std::string& key, const TimeWindow& ns) {
  auto it = keys_.find(key);
  if (it != keys_.end() && it->second->sessions != nullptr) it->second->sessions->Remove(ns);
  return state_->Clear(key, window::EncodeWindowNamespace(ns));
}

absl::Status WindowOperator::EmitRow(const std::string& key, const std::string& acc,
                                     const TimeWindow* w, int64_t ts) {
  RETURN_IF_ERROR(accumulator_.Results(acc, &scratch_results_));
  const KeyEntry& entry = *keys_.at(key);
  Value* row = pending_->rows.AddRow();
  size_t c = 0;
  for (const Value& v : entry.values) row[c++] = pending_->rows.CopyValue(v);
  if (w != nullptr) {
    row[c++] = Value::Timestamp(w->start_ms);
    row[c++] = Value::Timestamp(w->end_ms);
  }
  for (const Value& v : scratch_results_) row[c++] = v;
  pending_->timestamps.push_back(ts);
  return absl::OkStatus();
}

absl::Status WindowOperator::FlushOutput(runtime::Output* out) {
  if (pending_->size() == 0) return absl::OkStatus();
  std::unique_ptr<Batch> batch = std::move(pending_);
  pending_ = std::make_unique<Batch>(output_);
  return out->Emit(std::move(batch));
}

absl::Status WindowOperator::FireUpTo(int64_t time, runtime::Output* out) {
  if (time <= watermark_) return absl::OkStatus();
  watermark_ = time;
  while (!timers_.empty() && timers_.begin()->time <= time) {
    const Timer t = *timers_.begin();
    RETURN_IF_ERROR(t.cleanup ? Cleanup(t.key, t.window) : Fire(t.key, t.window));
    RemoveTimer(t);
    if (pending_->size() >= 1024) RETURN_IF_ERROR(FlushOutput(out));
  }
  return FlushOutput(out);
}

absl::Status WindowOperator::ProcessWatermark(int64_t watermark, runtime::Output* out) {
  // Processing-time windows ignore event time, except that the end of the
  // input (the final watermark) fires what is still open.
  if (!config_.processing_time || watermark == runtime::kMaxWatermark) {
    RETURN_IF_ERROR(FireUpTo(watermark, out));
  }
  return out->EmitWatermark(watermark);
}

absl::Status WindowOperator::OnProcessingTime(int64_t time_ms, runtime::Output* out) {
  if (!config_.processing_time) return absl::OkStatus();
  // A window's timers hold its last timestamp: due once the clock passed it.
  RETURN_IF_ERROR(FireUpTo(time_ms - 1, out));
  return ArmProcessingTimer();
}

absl::Status WindowOperator::ArmProcessingTimer() {
  if (!config_.processing_time || timers_.empty() || !ctx_.register_processing_timer) {
    return absl::OkStatus();
  }
  return ctx_.register_processing_timer(timers_.begin()->time + 1);
}

}  // namespace rtai::engine::operators
