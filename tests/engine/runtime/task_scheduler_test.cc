// TaskScheduler: slices, round robin, wakeups (none lost), deadline timers
// by the injected clock, fairness and shutdown.
#include "engine/runtime/task_scheduler.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rtai::engine::runtime {
namespace {

// Runs `slice` (given the slice number, from 1) each time it is scheduled.
class FnTask : public ScheduledTask {
 public:
  explicit FnTask(std::function<SliceResult(int)> slice) : slice_(std::move(slice)) {}
  SliceResult RunSlice() override { return slice_(++slices_); }
  void OnFinished() override {
    absl::MutexLock l(&mu_);
    done_ = true;
  }
  void AwaitFinished() {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(&done_));
  }
  int slices() const { return slices_.load(); }

 private:
  std::function<SliceResult(int)> slice_;
  std::atomic<int> slices_{0};
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

// A thread-safe record of what ran, in order.
struct Log {
  absl::Mutex mu;
  std::vector<std::string> entries ABSL_GUARDED_BY(mu);
  void Add(std::string s) {
    absl::MutexLock l(&mu);
    entries.push_back(std::move(s));
  }
  std::vector<std::string> Get() {
    absl::MutexLock l(&mu);
    return entries;
  }
};

TaskSchedulerOptions OneWorker(const Clock* clock = nullptr) {
  TaskSchedulerOptions o;
  o.threads = 1;
  o.clock = clock;
  o.max_timer_sleep_ms = 1;
  return o;
}

TEST(TaskSchedulerTest, RunnableTasksGetSlicesRoundRobin) {
  Log log;
  absl::Notification all_submitted;
  auto script = [&log, &all_submitted](std::string name) {
    return [&log, &all_submitted, name](int n) {
      if (name == "a" && n == 1) all_submitted.WaitForNotification();  // a sync point
      log.Add(name);
      return n < 3 ? SliceResult::More() : SliceResult::Finished();
    };
  };
  FnTask a(script("a")), b(script("b")), c(script("c"));
  TaskScheduler scheduler(OneWorker());
  EXPECT_EQ(scheduler.threads(), 1);
  scheduler.Submit(&a);
  scheduler.Submit(&b);
  scheduler.Submit(&c);
  all_submitted.Notify();
  a.AwaitFinished();
  b.AwaitFinished();
  c.AwaitFinished();
  EXPECT_THAT(log.Get(), ::testing::ElementsAre("a", "b", "c", "a", "b", "c", "a", "b", "c"));
  EXPECT_EQ(scheduler.live_tasks(), 0);
}

TEST(TaskSchedulerTest, AWakeDuringTheSliceIsNotLost) {
  FnTask* self = nullptr;
  FnTask t([&self](int n) {
    if (n == 1) {
      self->Wake();  // e.g. input arrived after the task found none
      return SliceResult::Wait();
    }
    return SliceResult::Finished();
  });
  self = &t;
  TaskScheduler scheduler(OneWorker());
  scheduler.Submit(&t);
  t.AwaitFinished();
  EXPECT_EQ(t.slices(), 2);
  t.Wake();  // after finishing: a no-op
  EXPECT_TRUE(t.finished());
  EXPECT_EQ(scheduler.live_tasks(), 0);
}

TEST(TaskSchedulerTest, AWaitingTaskRunsAgainOnlyWhenWoken) {
  absl::Notification first;
  FnTask t([&first](int n) {
    if (n == 1) {
      first.Notify();
      return SliceResult::Wait();
    }
    return SliceResult::Finished();
  });
  TaskScheduler scheduler(OneWorker());
  scheduler.Submit(&t);
  first.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(30));  // nothing may happen meanwhile
  EXPECT_EQ(t.slices(), 1);
  EXPECT_EQ(scheduler.live_tasks(), 1);
  t.Wake();
  t.Wake();  // a second wake of a queued task adds nothing
  t.AwaitFinished();
  EXPECT_EQ(t.slices(), 2);
}

TEST(TaskSchedulerTest, DeadlinesFollowTheInjectedClockInDeadlineOrder) {
  FakeClock clock;
  Log log;
  absl::Notification late_waiting, early_waiting;
  FnTask late([&](int n) {
    if (n == 1) {
      late_waiting.Notify();
      return SliceResult::Wait(20'000'000);  // 20 ms
    }
    log.Add("late");
    return SliceResult::Finished();
  });
  FnTask early([&](int n) {
    if (n == 1) {
      early_waiting.Notify();
      return SliceResult::Wait(10'000'000);  // 10 ms
    }
    log.Add("early");
    return SliceResult::Finished();
  });
  TaskScheduler scheduler(OneWorker(&clock));
  scheduler.Submit(&late);
  scheduler.Submit(&early);
  late_waiting.WaitForNotification();
  early_waiting.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(30));  // real time passes; the fake clock does not
  EXPECT_EQ(late.slices() + early.slices(), 2);
  clock.AdvanceMillis(9);
  scheduler.PokeTimers();
  absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(late.slices() + early.slices(), 2);  // 9 ms: nothing due
  clock.AdvanceMillis(11);  // both due: the earlier deadline runs first
  scheduler.PokeTimers();
  late.AwaitFinished();
  early.AwaitFinished();
  EXPECT_THAT(log.Get(), ::testing::ElementsAre("early", "late"));
}

TEST(TaskSchedulerTest, AWakeBeforeTheDeadlineRunsTheTaskAtOnce) {
  FakeClock clock;  // never advanced: only the wake can run it
  absl::Notification waiting;
  FnTask t([&waiting](int n) {
    if (n == 1) {
      waiting.Notify();
      return SliceResult::Wait(int64_t{3600} * 1'000'000'000);
    }
    return SliceResult::Finished();
  });
  TaskScheduler scheduler(OneWorker(&clock));
  scheduler.Submit(&t);
  waiting.WaitForNotification();
  t.Wake();
  t.AwaitFinished();  // its timer is gone with it: destroying `t` later is safe
  EXPECT_EQ(scheduler.live_tasks(), 0);
}

TEST(TaskSchedulerTest, ATaskThatAlwaysHasMoreDoesNotStarveOthersOnOneWorker) {
  constexpr int kTasks = 20;
  std::atomic<int> others_done{0};
  FnTask hog([&others_done](int) {
    return others_done.load() == kTasks ? SliceResult::Finished() : SliceResult::More();
  });
  std::vector<std::unique_ptr<FnTask>> others;
  for (int i = 0; i < kTasks; ++i) {
    others.push_back(std::make_unique<FnTask>([&others_done](int n) {
      if (n < 50) return SliceResult::More();
      others_done.fetch_add(1);
      return SliceResult::Finished();
    }));
  }
  TaskScheduler scheduler(OneWorker());
  scheduler.Submit(&hog);
  for (auto& t : others) scheduler.Submit(t.get());
  for (auto& t : others) t->AwaitFinished();
  hog.AwaitFinished();
  // Round robin: the hog got about one slice per round of the others.
  EXPECT_LE(hog.slices(), 50 + 2);
}

TEST(TaskSchedulerTest, ManyWorkersRunEveryTaskToTheEnd) {
  TaskSchedulerOptions o;
  o.threads = 4;
  std::vector<std::unique_ptr<FnTask>> tasks;
  std::vector<FnTask*> raw;
  for (int i = 0; i < 64; ++i) {
    tasks.push_back(std::make_unique<FnTask>([](int n) {
      if (n % 3 == 0) return SliceResult::Wait(1'000'000);  // 1 ms timer
      return n < 30 ? SliceResult::More() : SliceResult::Finished();
    }));
  }
  TaskScheduler scheduler(o);
  for (auto& t : tasks) scheduler.Submit(t.get());
  for (auto& t : tasks) t->AwaitFinished();
  for (auto& t : tasks) EXPECT_EQ(t->slices(), 31);
  EXPECT_EQ(scheduler.live_tasks(), 0);
}

TEST(TaskSchedulerTest, DestroyingTheSchedulerAbandonsWaitingTasks) {
  absl::Notification waiting;
  FnTask t([&waiting](int) {
    waiting.Notify();
    return SliceResult::Wait(1'000'000);
  });
  {
    TaskScheduler scheduler(OneWorker());
    scheduler.Submit(&t);
    waiting.WaitForNotification();
  }  // joins its worker; `t` never finishes
  EXPECT_FALSE(t.finished());
}

TEST(TaskSchedulerTest, OptionsAreValidated) {
  TaskSchedulerOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.threads = -1;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o.threads = TaskScheduler::kMaxThreads + 1;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o.threads = 2;
  o.max_timer_sleep_ms = 0;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  TaskScheduler machine_sized{TaskSchedulerOptions{}};
  EXPECT_GE(machine_sized.threads(), 1);
}

}  // namespace
}  // namespace rtai::engine::runtime
