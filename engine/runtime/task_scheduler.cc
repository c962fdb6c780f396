#include "engine/runtime/task_scheduler.h"

#include <algorithm>

#include "base/check.h"

namespace rtai::engine::runtime {

void ScheduledTask::Wake() {
  int s = state_.load(std::memory_order_acquire);
  while (true) {
    if (s == kWaiting) {
      if (state_.compare_exchange_weak(s, kQueued, std::memory_order_acq_rel)) {
        scheduler_->Enqueue(this);
        return;
      }
    } else if (s == kRunning) {
      if (state_.compare_exchange_weak(s, kRunningWoken, std::memory_order_acq_rel)) return;
    } else {
      return;  // new, queued, already woken, or finished
    }
  }
}

absl::Status TaskSchedulerOptions::Validate() const {
  if (threads < 0 || threads > TaskScheduler::kMaxThreads) {
    return absl::InvalidArgumentError(
        "engine threads (rtaid --engine-threads) must be in [0, 1024]; 0 = one per CPU");
  }
  if (max_timer_sleep_ms < 1) return absl::InvalidArgumentError("max_timer_sleep_ms must be >= 1");
  return absl::OkStatus();
}

namespace {

TaskSchedulerOptions Resolve(TaskSchedulerOptions o) {
  CHECK_OK(o.Validate());
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (o.clock == nullptr) o.clock = SystemClock();
  return o;
}

}  // namespace

TaskScheduler::TaskScheduler(TaskSchedulerOptions options) : options_(Resolve(options)) {
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

TaskScheduler::~TaskScheduler() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

void TaskScheduler::Submit(ScheduledTask* task) {
  CHECK_EQ(task->state_.load(), ScheduledTask::kNew);
  absl::MutexLock l(&mu_);
  task->scheduler_ = this;
  task->id_ = next_id_++;
  ++live_;
  task->state_.store(ScheduledTask::kQueued, std::memory_order_release);
  ready_.push_back(task);
}

int TaskScheduler::live_tasks() const {
  absl::MutexLock l(&mu_);
  return live_;
}

void TaskScheduler::PokeTimers() {
  absl::MutexLock l(&mu_);
  ++timer_epoch_;
}

void TaskScheduler::Enqueue(ScheduledTask* task) {
  absl::MutexLock l(&mu_);
  ready_.push_back(task);
}

void TaskScheduler::SetTimerLocked(ScheduledTask* task, int64_t deadline_ns) {
  if (task->timer_deadline_ns_ >= 0) {
    timers_.erase({task->timer_deadline_ns_, task->id_, task});
    task->timer_deadline_ns_ = -1;
  }
  if (deadline_ns < 0) return;
  if (timers_.empty() || deadline_ns < std::get<0>(*timers_.begin())) ++timer_epoch_;
  task->timer_deadline_ns_ = deadline_ns;
  timers_.emplace(deadline_ns, task->id_, task);
}

void TaskScheduler::FireDueTimersLocked() {
  if (timers_.empty()) return;
  const int64_t now = options_.clock->MonotonicNanos();
  while (!timers_.empty() && std::get<0>(*timers_.begin()) <= now) {
    ScheduledTask* t = std::get<2>(*timers_.begin());
    timers_.erase(timers_.begin());
    t->timer_deadline_ns_ = -1;
    // As Wake(), but the lock is held: the task cannot finish meanwhile
    // (finishing removes its timer under this lock).
    int s = t->state_.load(std::memory_order_acquire);
    while (true) {
      if (s == ScheduledTask::kWaiting) {
        if (t->state_.compare_exchange_weak(s, ScheduledTask::kQueued)) {
          ready_.push_back(t);
          break;
        }
      } else if (s == ScheduledTask::kRunning) {
        if (t->state_.compare_exchange_weak(s, ScheduledTask::kRunningWoken)) break;
      } else {
        break;
      }
    }
  }
}

void TaskScheduler::WorkerLoop() {
  mu_.Lock();
  while (true) {
    FireDueTimersLocked();
    if (stop_) break;
    if (ready_.empty()) {
      absl::Duration wait = absl::InfiniteDuration();
      if (!timers_.empty()) {
        const int64_t until = std::get<0>(*timers_.begin()) - options_.clock->MonotonicNanos();
        wait = absl::Nanoseconds(
            std::clamp<int64_t>(until, 0, options_.max_timer_sleep_ms * 1'000'000));
      }
      const uint64_t epoch = timer_epoch_;
      auto wakeup = [this, epoch]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stop_ || !ready_.empty() || timer_epoch_ != epoch;
      };
      mu_.AwaitWithTimeout(absl::Condition(&wakeup), wait);
      continue;
    }
    ScheduledTask* t = ready_.front();
    ready_.pop_front();
    t->state_.store(ScheduledTask::kRunning, std::memory_order_release);
    mu_.Unlock();
    const SliceResult r = t->RunSlice();
    AfterSlice(t, r);  // the task may be gone after this
    mu_.Lock();
  }
  mu_.Unlock();
}

void TaskScheduler::AfterSlice(ScheduledTask* t, SliceResult r) {
  switch (r.outcome) {
    case SliceOutcome::kMore:
      t->state_.store(ScheduledTask::kQueued, std::memory_order_release);
      Enqueue(t);
      return;
    case SliceOutcome::kWait: {
      absl::MutexLock l(&mu_);
      const int64_t deadline = r.wake_after_ns < 0 ? -1
                                                   : options_.clock->MonotonicNanos() +
                                                         std::max<int64_t>(0, r.wake_after_ns);
      SetTimerLocked(t, deadline);
      int expected = ScheduledTask::kRunning;
      if (!t->state_.compare_exchange_strong(expected, ScheduledTask::kWaiting)) {
        // Woken during the slice: run again.
        t->state_.store(ScheduledTask::kQueued, std::memory_order_release);
        ready_.push_back(t);
      }
      return;
    }
    case SliceOutcome::kFinished: {
      {
        absl::MutexLock l(&mu_);
        SetTimerLocked(t, -1);
        --live_;
        t->state_.store(ScheduledTask::kFinished, std::memory_order_release);
      }
      t->OnFinished();
      return;
    }
  }
}

}  // namespace rtai::engine::runtime
