#include "broker/core/deadline_timer.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

TEST(DeadlineTimerTest, RunsOnlyAfterTheClockPassesTheDeadline) {
  FakeClock clock;
  DeadlineTimer timer(&clock);
  absl::Notification fired;
  timer.Schedule(100, [&] { fired.Notify(); });
  clock.AdvanceMillis(99);
  timer.Poke();
  EXPECT_FALSE(fired.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  clock.AdvanceMillis(1);
  timer.Poke();
  EXPECT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(timer.pending(), 0u);
}

TEST(DeadlineTimerTest, CancelledTimersNeverRun) {
  FakeClock clock;
  DeadlineTimer timer(&clock);
  std::atomic<int> runs{0};
  auto id = timer.Schedule(10, [&] { ++runs; });
  absl::Notification later;
  timer.Schedule(20, [&] { later.Notify(); });
  EXPECT_TRUE(timer.Cancel(id));
  EXPECT_FALSE(timer.Cancel(id));
  clock.AdvanceMillis(50);
  timer.Poke();
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(runs.load(), 0);
}

TEST(DeadlineTimerTest, RunsInDeadlineOrderWithRealClock) {
  DeadlineTimer timer(SystemClock());
  std::vector<int> order;
  absl::Mutex mu;
  absl::Notification done;
  timer.Schedule(60, [&] {
    absl::MutexLock l(&mu);
    order.push_back(2);
    done.Notify();
  });
  timer.Schedule(10, [&] {
    absl::MutexLock l(&mu);
    order.push_back(1);
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock l(&mu);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(DeadlineTimerTest, ShutdownDropsPendingCallbacks) {
  FakeClock clock;
  std::atomic<int> runs{0};
  {
    DeadlineTimer timer(&clock);
    timer.Schedule(10, [&] { ++runs; });
    timer.Shutdown();
    clock.AdvanceMillis(100);
    timer.Schedule(0, [&] { ++runs; });
  }
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace rtai::broker
