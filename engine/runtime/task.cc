#include "engine/runtime/task.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/runtime/checkpoint_storage.h"

namespace rtai::engine::runtime {

// Output of a chained operator: calls the next operator directly.
class Task::Link : public Output {
 public:
  Link(Operator* next, Output* next_out, OperatorMetrics* mine, OperatorMetrics* next_m,
       Output* tail)
      : next_(next), next_out_(next_out), mine_(mine), next_m_(next_m), tail_(tail) {}
  absl::Status Emit(std::unique_ptr<Batch> batch) override {
    const int64_t n = static_cast<int64_t>(batch->size());
    mine_->records_out.fetch_add(n, std::memory_order_relaxed);
    next_m_->records_in.fetch_add(n, std::memory_order_relaxed);
    return next_->ProcessBatch(0, std::move(batch), next_out_);
  }
  absl::Status EmitSide(const std::string&, std::unique_ptr<Batch>) override {
    return absl::OkStatus();  // a chained node's side outputs have no consumer
  }
  absl::Status EmitWatermark(int64_t wm) override {
    next_m_->watermark.store(wm, std::memory_order_relaxed);
    return next_->ProcessWatermark(wm, next_out_);
  }
  absl::Status EmitIdle() override { return tail_->EmitIdle(); }

 private:
  Operator* next_;
  Output* next_out_;
  OperatorMetrics* mine_;
  OperatorMetrics* next_m_;
  Output* tail_;
};

// Output of the chain's last operator: the exchanges.
class Task::Tail : public Output {
 public:
  Tail(std::vector<std::unique_ptr<Exchange>>* exchanges, OperatorMetrics* m)
      : exchanges_(exchanges), m_(m) {}
  absl::Status Emit(std::unique_ptr<Batch> batch) override {
    m_->records_out.fetch_add(static_cast<int64_t>(batch->size()), std::memory_order_relaxed);
    return Route("", std::move(batch));
  }
  absl::Status EmitSide(const std::string& name, std::unique_ptr<Batch> batch) override {
    return Route(name, std::move(batch));
  }
  absl::Status EmitWatermark(int64_t wm) override {
    for (auto& x : *exchanges_) RETURN_IF_ERROR(x->SendControl(ElementKind::kWatermark, wm));
    return absl::OkStatus();
  }
  absl::Status EmitIdle() override {
    for (auto& x : *exchanges_) RETURN_IF_ERROR(x->SendControl(ElementKind::kIdle, 0));
    return absl::OkStatus();
  }

 private:
  absl::Status Route(const std::string& name, std::unique_ptr<Batch> batch) {
    Exchange* last = nullptr;
    for (auto& x : *exchanges_) {
      if (x->output() != name) continue;
      if (last != nullptr) {  // more than one consumer: each gets a copy
        auto copy = std::make_unique<Batch>(&batch->rows.schema());
        for (size_t i = 0; i < batch->size(); ++i) {
          copy->AppendRowCopy(batch->rows.row(i), batch->timestamps[i]);
        }
        RETURN_IF_ERROR(last->Send(std::move(copy)));
      }
      last = x.get();
    }
    if (last == nullptr) return absl::OkStatus();
    return last->Send(std::move(batch));
  }
  std::vector<std::unique_ptr<Exchange>>* exchanges_;
  OperatorMetrics* m_;
};

Task::Task(TaskSetup setup, const std::atomic<bool>* cancelled, std::function<void()> on_finished)
    : setup_(std::move(setup)), cancelled_(cancelled), on_finished_(std::move(on_finished)) {
  const size_t n = setup_.ops.size();
  outputs_.resize(n);
  outputs_[n - 1] = std::make_unique<Tail>(&setup_.exchanges, setup_.metrics[n - 1]);
  for (size_t i = n - 1; i-- > 0;) {
    outputs_[i] = std::make_unique<Link>(setup_.ops[i + 1].get(), outputs_[i + 1].get(),
                                         setup_.metrics[i], setup_.metrics[i + 1],
                                         outputs_[n - 1].get());
  }
  sender_watermark_.assign(setup_.num_senders, kMinWatermark);
  sender_idle_.assign(setup_.num_senders, 0);
  sender_ended_.assign(setup_.num_senders, 0);
  barrier_seen_.assign(setup_.num_senders, 0);
  setup_.restore.resize(n);
  setup_.has_restore.resize(n, 0);
  setup_.op_kinds.resize(n);
  for (size_t i = 0; i < n; ++i) {
    setup_.contexts[i].register_processing_timer = [this, i](int64_t time_ms) {
      return processing_timers_.Register(static_cast<int>(i), time_ms);
    };
  }
  if (setup_.coordinator != nullptr) {
    notified_ = setup_.coordinator->last_completed();
    last_barrier_ = notified_;
  }
  if (setup_.input == nullptr) {
    setup_.contexts[0].yield_requested = [this] {
      return (setup_.coordinator != nullptr &&
              setup_.coordinator->trigger_id() > last_barrier_) ||
             !OutputsHaveRoom();
    };
  } else {
    setup_.input->SetConsumer(this);
  }
}

Task::~Task() {
  setup_.ops.clear();  // states before their backend
}

int64_t Task::NowMillis() const {
  const Clock* clock = setup_.contexts[0].clock;
  return (clock != nullptr ? clock : SystemClock())->NowMillis();
}

absl::Status Task::FireProcessingTimers() {
  if (processing_timers_.empty()) return absl::OkStatus();
  for (const auto& [time, op] : processing_timers_.PopDue(NowMillis())) {
    RETURN_IF_ERROR(setup_.ops[op]->OnProcessingTime(time, outputs_[op].get()));
  }
  return absl::OkStatus();
}

int64_t Task::TimerWaitNs() const {
  if (processing_timers_.empty()) return -1;
  const int64_t until = processing_timers_.next() - NowMillis();
  return std::clamp<int64_t>(until, 1, kMaxTimerWaitMs) * 1'000'000;
}

int64_t Task::NowNanos() const {
  const Clock* clock = setup_.contexts[0].clock;
  return clock == nullptr ? 0 : clock->MonotonicNanos();
}

absl::Status Task::Open() {
  for (size_t i = 0; i < setup_.ops.size(); ++i) {
    RETURN_IF_ERROR(setup_.ops[i]->Open(setup_.contexts[i]));
    if (setup_.has_restore[i]) {
      absl::Status s = setup_.ops[i]->RestoreState(setup_.restore[i]);
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("restoring operator `", setup_.contexts[i].uid,
                                                   "`: ", s.message()));
      }
      setup_.restore[i].clear();
    }
  }
  return absl::OkStatus();
}

bool Task::OutputsHaveRoom() const {
  for (const auto& x : setup_.exchanges) {
    if (!x->HasRoom()) return false;
  }
  return true;
}

bool Task::OutputsReadyOrWait() {
  for (auto& x : setup_.exchanges) {
    if (!x->HasRoomOrWait(this)) return false;
  }
  return true;
}

void Task::AccountWait() {
  if (wait_reason_ == WaitReason::kNone) return;
  const int64_t waited = std::max<int64_t>(0, NowNanos() - wait_start_ns_);
  std::atomic<int64_t>& counter = wait_reason_ == WaitReason::kInput
                                      ? setup_.metrics.front()->idle_ns
                                      : setup_.metrics.back()->blocked_ns;
  counter.fetch_add(waited, std::memory_order_relaxed);
  wait_reason_ = WaitReason::kNone;
}

SliceResult Task::RunSlice() {
  AccountWait();
  SliceResult r = SliceResult::More();
  absl::Status s;
  if (!opened_) {
    opened_ = true;
    s = Open();
  }
  if (s.ok()) s = setup_.input == nullptr ? SourceSlice(&r) : InputSlice(&r);
  if (!s.ok()) {
    final_status_ = absl::IsCancelled(s) ? s
                                         : absl::Status(s.code(), absl::StrCat("task ", setup_.name,
                                                                               ": ", s.message()));
    return SliceResult::Finished();
  }
  if (r.outcome == SliceOutcome::kWait) wait_start_ns_ = NowNanos();
  return r;
}

void Task::OnFinished() {
  std::function<void()> f = on_finished_;  // may destroy this task
  f();
}

absl::Status Task::SourceSlice(SliceResult* r) {
  auto* source = static_cast<SourceOperator*>(setup_.ops[0].get());
  OperatorMetrics* m = setup_.metrics[0];
  for (int unit = 0; unit < kSliceUnits; ++unit) {
    if (cancelled_->load()) return absl::CancelledError("job canceled");
    if (!OutputsReadyOrWait()) {
      wait_reason_ = WaitReason::kOutput;
      *r = SliceResult::Wait();
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(FireProcessingTimers());
    if (setup_.coordinator != nullptr) {
      const int64_t id = setup_.coordinator->trigger_id();
      if (id > last_barrier_) RETURN_IF_ERROR(Snapshot(id, 0));
      RETURN_IF_ERROR(DeliverNotifications());
    }
    // A poll that emitted no records was idle.
    const int64_t out_before = m->records_out.load(std::memory_order_relaxed);
    const int64_t start = NowNanos();
    ASSIGN_OR_RETURN(bool more, source->Poll(outputs_[0].get()));
    if (m->records_out.load(std::memory_order_relaxed) == out_before) {
      m->idle_ns.fetch_add(std::max<int64_t>(0, NowNanos() - start), std::memory_order_relaxed);
    }
    if (!more) {
      RETURN_IF_ERROR(outputs_[0]->EmitWatermark(kMaxWatermark));
      m->watermark.store(kMaxWatermark);
      RETURN_IF_ERROR(Finish());
      *r = SliceResult::Finished();
      return absl::OkStatus();
    }
    const int64_t delay_ms = source->NextPollDelayMs();
    if (delay_ms > 0) {  // nothing to read: sleep off the worker
      int64_t wait_ns = delay_ms * 1'000'000;
      const int64_t timer_ns = TimerWaitNs();
      if (timer_ns >= 0) wait_ns = std::min(wait_ns, timer_ns);
      wait_reason_ = WaitReason::kInput;
      *r = SliceResult::Wait(wait_ns);
      return absl::OkStatus();
    }
  }
  *r = SliceResult::More();
  return absl::OkStatus();
}

absl::Status Task::InputSlice(SliceResult* r) {
  for (int unit = 0; unit < kSliceUnits; ++unit) {
    if (cancelled_->load()) return absl::CancelledError("job canceled");
    RETURN_IF_ERROR(DeliverNotifications());
    if (!OutputsReadyOrWait()) {
      wait_reason_ = WaitReason::kOutput;
      *r = SliceResult::Wait();
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(FireProcessingTimers());
    std::optional<Element> e = setup_.input->TryPop();
    if (!e.has_value()) {
      if (setup_.input->closed()) return absl::CancelledError("job canceled");
      wait_reason_ = WaitReason::kInput;
      *r = SliceResult::Wait(TimerWaitNs());
      return absl::OkStatus();
    }
    bool done = false;
    RETURN_IF_ERROR(ProcessElement(std::move(*e), &done));
    if (done) {
      RETURN_IF_ERROR(Finish());
      *r = SliceResult::Finished();
      return absl::OkStatus();
    }
  }
  *r = SliceResult::More();
  return absl::OkStatus();
}

absl::Status Task::ProcessElement(Element e, bool* done) {
  if (e.kind == ElementKind::kBarrier) return HandleBarrier(e);
  if (e.kind == ElementKind::kBatch) {
    setup_.metrics[0]->records_in.fetch_add(static_cast<int64_t>(e.batch->size()),
                                            std::memory_order_relaxed);
    if (sender_idle_[e.sender]) sender_idle_[e.sender] = 0;
    return setup_.ops[0]->ProcessBatch(e.input, std::move(e.batch), outputs_[0].get());
  }
  return HandleControl(e, done);
}

absl::Status Task::HandleControl(const Element& e, bool* done) {
  const int s = e.sender;
  if (e.kind == ElementKind::kWatermark) {
    sender_watermark_[s] = std::max(sender_watermark_[s], e.watermark);
    sender_idle_[s] = 0;
  } else if (e.kind == ElementKind::kIdle) {
    sender_idle_[s] = 1;
  } else {
    sender_ended_[s] = 1;
    RETURN_IF_ERROR(MaybeCompleteAlignment());
  }
  int64_t wm = kMaxWatermark;
  bool any_active = false, all_ended = true;
  for (int i = 0; i < setup_.num_senders; ++i) {
    if (sender_ended_[i]) continue;
    all_ended = false;
    if (sender_idle_[i]) continue;
    any_active = true;
    wm = std::min(wm, sender_watermark_[i]);
  }
  if (all_ended) {
    *done = true;
    wm = kMaxWatermark;
  } else if (!any_active) {
    if (!idle_sent_) {
      idle_sent_ = true;
      return outputs_.back()->EmitIdle();
    }
    return absl::OkStatus();
  }
  idle_sent_ = false;
  if (wm > watermark_) {
    watermark_ = wm;
    setup_.metrics[0]->watermark.store(wm, std::memory_order_relaxed);
    return setup_.ops[0]->ProcessWatermark(wm, outputs_[0].get());
  }
  return absl::OkStatus();
}

absl::Status Task::Finish() {
  if (setup_.coordinator != nullptr) setup_.coordinator->TaskFinished();
  for (size_t i = 0; i < setup_.ops.size(); ++i) {
    RETURN_IF_ERROR(setup_.ops[i]->Finish(outputs_[i].get()));
  }
  for (auto& x : setup_.exchanges) RETURN_IF_ERROR(x->SendControl(ElementKind::kEnd, 0));
  return absl::OkStatus();
}

absl::Status Task::HandleBarrier(const Element& e) {
  const int64_t id = e.checkpoint_id;
  if (id <= last_barrier_ || id < aligning_) return absl::OkStatus();  // stale
  if (id > aligning_) {
    if (aligning_ != 0) {  // a newer checkpoint supersedes an unfinished alignment
      setup_.input->UnblockAll();
      barrier_seen_.assign(barrier_seen_.size(), 0);
    }
    aligning_ = id;
    align_start_ns_ = setup_.contexts[0].clock->MonotonicNanos();
  }
  barrier_seen_[e.sender] = 1;
  setup_.input->Block(e.sender);
  return MaybeCompleteAlignment();
}

absl::Status Task::MaybeCompleteAlignment() {
  if (aligning_ == 0) return absl::OkStatus();
  for (int i = 0; i < setup_.num_senders; ++i) {
    if (!barrier_seen_[i] && !sender_ended_[i]) return absl::OkStatus();
  }
  const int64_t id = aligning_;
  const int64_t alignment_ns = setup_.contexts[0].clock->MonotonicNanos() - align_start_ns_;
  aligning_ = 0;
  barrier_seen_.assign(barrier_seen_.size(), 0);
  setup_.input->UnblockAll();
  return Snapshot(id, alignment_ns);
}

absl::Status Task::Snapshot(int64_t id, int64_t alignment_ns) {
  CheckpointCoordinator* coord = setup_.coordinator;
  if (coord == nullptr) return absl::OkStatus();  // barriers without checkpointing: ignore
  const Clock* clock = setup_.contexts[0].clock;
  const int64_t start = clock->MonotonicNanos();
  last_barrier_ = id;
  TaskAck ack;
  ack.task = setup_.index;
  ack.checkpoint_id = id;
  ack.state.name = setup_.name;
  ack.state.state_uid = setup_.state_uid;
  ack.state.subtask = setup_.subtask;
  ack.state.alignment_ns = alignment_ns;
  for (size_t i = 0; i < setup_.ops.size(); ++i) {
    absl::StatusOr<std::string> bytes = setup_.ops[i]->SnapshotState(id);
    if (!bytes.ok()) {
      return absl::Status(bytes.status().code(),
                          absl::StrCat("snapshot of `", setup_.contexts[i].uid, "` for checkpoint ",
                                       id, ": ", bytes.status().message()));
    }
    if (bytes->empty()) continue;
    OperatorStateEntry entry;
    entry.uid = setup_.contexts[i].uid;
    entry.op = setup_.op_kinds[i];
    entry.subtask = setup_.subtask;
    entry.parallelism = setup_.contexts[i].parallelism;
    ack.ops.emplace_back(std::move(entry), std::move(*bytes));
  }
  absl::Status stored = absl::OkStatus();
  if (setup_.state != nullptr) {
    const std::string rel = TaskDbDirName(setup_.head_uid, setup_.subtask);
    const std::string path = JoinPath(coord->DirOf(id), rel);
    FileSystem* fs = DefaultFileSystem();
    if (!fs->Exists(coord->DirOf(id))) {
      stored = absl::AbortedError("its directory is gone (aborted)");
    } else {
      stored = fs->CreateDirs(DirName(path));
      if (stored.ok()) stored = setup_.state->CreateCheckpoint(path);
      absl::StatusOr<std::vector<StateFileEntry>> files =
          stored.ok() ? ListStateFiles(path) : stored;
      stored = files.status();
      if (files.ok()) {
        ack.state.db_dir = rel;
        ack.state.db_files = std::move(*files);
      }
    }
  }
  for (auto& x : setup_.exchanges) {
    RETURN_IF_ERROR(x->SendControl(ElementKind::kBarrier, 0, id));
  }
  ack.state.sync_ns = clock->MonotonicNanos() - start;
  if (stored.ok()) {
    coord->Ack(std::move(ack));
  } else {
    coord->Decline(id, absl::Status(stored.code(), absl::StrCat("task ", setup_.name,
                                                                ": keyed state: ", stored.message())));
  }
  return absl::OkStatus();
}

absl::Status Task::DeliverNotifications() {
  if (setup_.coordinator == nullptr) return absl::OkStatus();
  const int64_t done = setup_.coordinator->last_completed();
  if (done <= notified_) return absl::OkStatus();
  notified_ = done;
  for (size_t i = 0; i < setup_.ops.size(); ++i) {
    absl::Status s = setup_.ops[i]->NotifyCheckpointComplete(done);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("`", setup_.contexts[i].uid, "` on checkpoint ",
                                                 done, " complete: ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::runtime
