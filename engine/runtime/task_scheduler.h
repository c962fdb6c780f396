#pragma once
// TaskScheduler: a fixed pool of worker threads that runs resumable tasks in
// bounded slices (docs/ENGINE.md, "Runtime"). One per rtaid process, shared
// by every job; a JobRunner without one creates its own.
//
// A task (ScheduledTask) is in exactly one of: waiting (not queued), queued
// (in the FIFO ready queue), running (one worker is inside RunSlice) or
// finished. RunSlice does a bounded amount of work and says what next:
//   kMore      it has more to do now: queued again at the back (round robin,
//              so a busy task cannot starve the others);
//   kWait      nothing to do until Wake() (input arrived, output space freed,
//              a checkpoint completed, the job was cancelled) or, if
//              wake_after_ns >= 0, until that much time passed by the
//              scheduler's Clock (processing timers, source poll backoff);
//   kFinished  done for good: the scheduler calls OnFinished() once and
//              never touches the task again.
// A Wake() that arrives while the task runs is not lost: the task is queued
// again as soon as its slice returns, whatever the slice answered (unless
// kFinished). So a task may check its condition inside the slice, return
// kWait, and rely on the waker to call Wake() after changing it.
//
// Workers never block on another task; only RunSlice itself may wait, and
// only on things outside the engine (the broker, the disk).
// Determinism: the ready queue is FIFO and timers fire in (deadline, submit
// order). With one worker, the interleaving of slices is a function of the
// tasks' answers and the clock.
// Thread-safe. Tasks must outlive their time in the scheduler (until
// OnFinished returned); the scheduler must outlive every submitted task's
// run (destroying it with unfinished tasks abandons them, unrun).

#include <atomic>
#include <cstdint>
#include <deque>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"

namespace rtai::engine::runtime {

class TaskScheduler;

enum class SliceOutcome { kMore, kWait, kFinished };

struct SliceResult {
  SliceOutcome outcome = SliceOutcome::kMore;
  // kWait only: run again after at most this long (ns), -1 = only on Wake().
  int64_t wake_after_ns = -1;

  static SliceResult More() { return {SliceOutcome::kMore, -1}; }
  static SliceResult Wait(int64_t wake_after_ns = -1) { return {SliceOutcome::kWait, wake_after_ns}; }
  static SliceResult Finished() { return {SliceOutcome::kFinished, -1}; }
};

class ScheduledTask {
 public:
  virtual ~ScheduledTask() = default;
  // One slice of bounded work. Called by one worker at a time.
  virtual SliceResult RunSlice() = 0;
  // After RunSlice answered kFinished, once, on the worker. The scheduler
  // does not touch the task after it returns, so it may free the task.
  virtual void OnFinished() = 0;

  // Makes the task run (again) soon. Thread-safe, cheap when the task is
  // already queued; a no-op before Submit and after it finished.
  void Wake();
  // True once OnFinished is about to be called.
  bool finished() const { return state_.load(std::memory_order_acquire) == kFinished; }

 private:
  friend class TaskScheduler;
  enum State : int { kNew, kWaiting, kQueued, kRunning, kRunningWoken, kFinished };
  TaskScheduler* scheduler_ = nullptr;  // set by Submit
  std::atomic<int> state_{kNew};
  uint64_t id_ = 0;                     // submit order
  int64_t timer_deadline_ns_ = -1;      // guarded by the scheduler's mutex
};

struct TaskSchedulerOptions {
  // Default: 0 = std::thread::hardware_concurrency() (at least 1). Workers.
  int threads = 0;
  // Default: SystemClock(). Times the deadlines of waiting tasks. Not owned.
  const Clock* clock = nullptr;
  // Default: 50 (ms). The longest a worker sleeps while timers are pending
  // before reading the clock again (a FakeClock only moves when a test
  // advances it).
  int64_t max_timer_sleep_ms = 50;
  absl::Status Validate() const;
};

class TaskScheduler {
 public:
  static constexpr int kMaxThreads = 1024;

  // Starts the workers; CHECK-fails on invalid options (see Validate).
  explicit TaskScheduler(TaskSchedulerOptions options = {});
  ~TaskScheduler();  // stops the workers (after their current slices)
  TaskScheduler(const TaskScheduler&) = delete;
  TaskScheduler& operator=(const TaskScheduler&) = delete;

  // Queues `task` (not owned) for its first slice. Once per task.
  void Submit(ScheduledTask* task);
  int threads() const { return static_cast<int>(workers_.size()); }
  // Tasks submitted and not finished.
  int live_tasks() const;
  // Re-reads the clock now (tests: after advancing a FakeClock).
  void PokeTimers();

 private:
  friend class ScheduledTask;
  void Enqueue(ScheduledTask* task);  // state already set to kQueued
  void WorkerLoop();
  void FireDueTimersLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetTimerLocked(ScheduledTask* task, int64_t deadline_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AfterSlice(ScheduledTask* task, SliceResult r);

  const TaskSchedulerOptions options_;
  mutable absl::Mutex mu_;
  std::deque<ScheduledTask*> ready_ ABSL_GUARDED_BY(mu_);
  // (deadline ns, submit order, task): at most one per task.
  std::set<std::tuple<int64_t, uint64_t, ScheduledTask*>> timers_ ABSL_GUARDED_BY(mu_);
  uint64_t timer_epoch_ ABSL_GUARDED_BY(mu_) = 0;  // bumped when the earliest deadline moves up
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  int live_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace rtai::engine::runtime
