#include "engine/operators/window_operator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/operators/window_operator_keys.h"
#include "engine/record/key_encoding.h"
#include "engine/window/state_accumulator.h"

namespace rtai::engine::operators {

using graph::WindowKind;
using runtime::Batch;
using window::TimeWindow;

namespace {

// Timer namespaces: kind (fires sort before cleanups of the same key and
// time) then the window. Without allowed lateness a tumbling or session
// window is fired and dropped at the same time: one timer does both.
constexpr char kFire = 0, kCleanup = 1, kFireAndCleanup = 2;

void TimerNs(char kind, const TimeWindow& w, std::string* out) {
  out->clear();
  out->push_back(kind);
  out->append(window::EncodeWindowNamespace(w));
}

}  // namespace

WindowOperator::WindowOperator(graph::WindowConfig config, const Schema* input,
                               const Schema* output)
    : config_(std::move(config)), input_(input), output_(output),
      accumulator_(&config_.aggregates), pending_(std::make_unique<Batch>(output)) {
  for (size_t c = 0; c < config_.key_columns.size(); ++c) {
    key_types_.push_back(output->field(c).type);
  }
}

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
  if (config_.kind == WindowKind::kCount) {
    ASSIGN_OR_RETURN(counts_state_, ctx.state->GetValueState(ctx.uid, {"count", 0}));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(timers_, ctx.state->GetTimerService(ctx.uid, {"timers", 0}));
  if (config_.kind == WindowKind::kSession) {
    ASSIGN_OR_RETURN(sessions_state_, ctx.state->GetValueState(ctx.uid, {"sessions", 0}));
  }
  return absl::OkStatus();
}

absl::Status WindowOperator::RegisterFire(std::string_view key, const TimeWindow& w) {
  TimerNs(kFire, w, &scratch_ns_);
  return timers_->Register(w.max_timestamp(), key, scratch_ns_);
}

absl::Status WindowOperator::RegisterCleanup(int64_t time, std::string_view key,
                                             const TimeWindow& ns) {
  TimerNs(OneTimer() ? kFireAndCleanup : kCleanup, ns, &scratch_ns_);
  return timers_->Register(time, key, scratch_ns_);
}

absl::Status WindowOperator::DeleteTimers(std::string_view key, const TimeWindow& w) {
  if (OneTimer()) {
    TimerNs(kFireAndCleanup, w, &scratch_ns_);
    return timers_->Delete(w.max_timestamp(), key, scratch_ns_);
  }
  TimerNs(kFire, w, &scratch_ns_);
  RETURN_IF_ERROR(timers_->Delete(w.max_timestamp(), key, scratch_ns_));
  TimerNs(kCleanup, w, &scratch_ns_);
  return timers_->Delete(w.max_timestamp() + config_.allowed_lateness_ms, key, scratch_ns_);
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
  std::string local_key = key;
  local_key += window::EncodeWindowNamespace(ns);
  auto [it, inserted] = local_.try_emplace(std::move(local_key));
  if (inserted) it->second = {key, ns, accumulator_.CreateAccumulator()};
  accumulator_.AddRecord(inputs, ts, seq_++, &it->second.acc);
  return absl::OkStatus();
}

absl::Status WindowOperator::FlushLocal() {
  for (auto& [local_key, entry] : local_) {
    const std::string_view ns = std::string_view(local_key).substr(entry.key.size());
    RETURN_IF_ERROR(state_->Add(entry.key, ns, entry.acc));
    scratch_windows_.clear();
    if (tumbling_) {
      scratch_windows_.push_back(entry.ns);
    } else {
      sliding_->WindowsOfSlice(entry.ns, &scratch_windows_);
    }
    int64_t last_end = entry.ns.end_ms;
    for (const TimeWindow& w : scratch_windows_) {
      last_end = std::max(last_end, w.end_ms);
      if (w.max_timestamp() + config_.allowed_lateness_ms <= watermark_) continue;  // purged
      if (w.max_timestamp() <= watermark_) {
        fire_now_.insert({entry.key, w});
      } else if (!OneTimer()) {
        RETURN_IF_ERROR(RegisterFire(entry.key, w));
      }
    }
    RETURN_IF_ERROR(
        RegisterCleanup(last_end - 1 + config_.allowed_lateness_ms, entry.key, entry.ns));
  }
  local_.clear();
  return absl::OkStatus();
}

absl::Status WindowOperator::AddSessionRecord(const std::string& key, const Value* inputs,
                                              int64_t ts) {
  ASSIGN_OR_RETURN(window::MergingWindowSet * sessions, SessionsOf(key));
  ASSIGN_OR_RETURN(window::MergingWindowSet::AddResult r, sessions->Add(ts));
  const int64_t lateness = config_.allowed_lateness_ms;
  std::vector<std::string> sources;
  for (const TimeWindow& m : r.merged) {
    RETURN_IF_ERROR(DeleteTimers(key, m));
    sources.push_back(window::EncodeWindowNamespace(m));
  }
  const std::string ns = window::EncodeWindowNamespace(r.session);
  if (!sources.empty()) RETURN_IF_ERROR(state_->MergeNamespaces(key, ns, sources));
  scratch_acc_ = accumulator_.CreateAccumulator();
  accumulator_.AddRecord(inputs, ts, seq_++, &scratch_acc_);
  RETURN_IF_ERROR(state_->Add(key, ns, scratch_acc_));
  if (r.session.max_timestamp() <= watermark_) {
    fire_now_.insert({key, r.session});
  } else if (!OneTimer()) {
    RETURN_IF_ERROR(RegisterFire(key, r.session));
  }
  return RegisterCleanup(r.session.max_timestamp() + lateness, key, r.session);
}

absl::Status WindowOperator::AddCountRecord(const std::string& key, const Value* inputs,
                                            int64_t ts) {
  ASSIGN_OR_RETURN(int64_t * count, CountOf(key));
  const int64_t index = (*count)++ / config_.count;
  const std::string ns = window::EncodeWindowNamespace(TimeWindow{index, index + 1});
  scratch_acc_ = accumulator_.CreateAccumulator();
  accumulator_.AddRecord(inputs, ts, seq_++, &scratch_acc_);
  RETURN_IF_ERROR(state_->Add(key, ns, scratch_acc_));
  if (*count % config_.count != 0) return absl::OkStatus();
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
        RETURN_IF_ERROR(AddSessionRecord(key, scratch_inputs_.data(), ts));
        break;
      case WindowKind::kCount:
        RETURN_IF_ERROR(AddCountRecord(key, scratch_inputs_.data(), ts));
        break;
    }
  }
  RETURN_IF_ERROR(FlushLocal());
  RETURN_IF_ERROR(FlushKeyCaches());
  for (const auto& [k, w] : fire_now_) RETURN_IF_ERROR(Fire(k, w));
  fire_now_.clear();
  if (late->size() > 0) RETURN_IF_ERROR(out->EmitSide("late", std::move(late)));
  RETURN_IF_ERROR(FlushOutput(out));
  return ArmProcessingTimer();
}

absl::Status WindowOperator::Fire(std::string_view key, const TimeWindow& w) {
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

absl::Status WindowOperator::Cleanup(std::string_view key, const TimeWindow& ns) {
  if (config_.kind == WindowKind::kSession) {
    ASSIGN_OR_RETURN(window::MergingWindowSet * sessions, SessionsOf(key));
    sessions->Remove(ns);
  }
  return state_->Clear(key, window::EncodeWindowNamespace(ns));
}

absl::Status WindowOperator::EmitRow(std::string_view key, const std::string& acc,
                                     const TimeWindow* w, int64_t ts) {
  RETURN_IF_ERROR(accumulator_.Results(acc, &scratch_results_));
  RETURN_IF_ERROR(DecodeKeyValues(key, key_types_, &scratch_key_values_));
  Value* row = pending_->rows.AddRow();
  size_t c = 0;
  for (const Value& v : scratch_key_values_) row[c++] = pending_->rows.CopyValue(v);
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

absl::Status WindowOperator::OnTimer(const state::TimerService::Timer& t,
                                     runtime::Output* out) {
  TimeWindow w{};
  if (t.ns.empty()) return absl::DataLossError("window timer without a namespace");
  RETURN_IF_ERROR(DecodeWindowNamespace(t.ns.substr(1), &w));
  if (t.ns[0] != kCleanup) RETURN_IF_ERROR(Fire(t.key, w));
  if (t.ns[0] != kFire) RETURN_IF_ERROR(Cleanup(t.key, w));
  if (session_cache_.size() >= kCacheKeys) RETURN_IF_ERROR(FlushKeyCaches());
  if (pending_->size() >= 1024) RETURN_IF_ERROR(FlushOutput(out));
  return absl::OkStatus();
}

absl::Status WindowOperator::FireUpTo(int64_t time, runtime::Output* out) {
  if (time <= watermark_) return absl::OkStatus();
  watermark_ = time;
  if (timers_ == nullptr) return absl::OkStatus();  // count windows
  RETURN_IF_ERROR(timers_->PopUpTo(
      time, [&](const state::TimerService::Timer& t) { return OnTimer(t, out); }));
  RETURN_IF_ERROR(FlushKeyCaches());
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
  if (!config_.processing_time || timers_ == nullptr || !ctx_.register_processing_timer) {
    return absl::OkStatus();
  }
  const int64_t earliest = timers_->EarliestTime();
  if (earliest == state::TimerService::kNoTimer) return absl::OkStatus();
  // Nothing is due at or before the time already fired (EarliestTime may be
  // a stale lower bound after a session merge deleted timers).
  return ctx_.register_processing_timer(std::max(earliest, watermark_) + 1);
}

}  // namespace rtai::engine::operators
