// TxnExecutor: tasks run on its threads, a full queue refuses (the task is
// not run), destruction runs what is queued.

#include "broker/txn/txn_executor.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace rtai::broker::txn {
namespace {

TEST(TxnExecutorTest, RunsTasksRefusesWhenFullAndDrainsAtDestruction) {
  std::atomic<int> ran{0};
  absl::Notification started, release;
  {
    TxnExecutor executor(/*threads=*/1, /*capacity=*/2);
    ASSERT_TRUE(executor.TrySchedule([&] {
      started.Notify();
      release.WaitForNotification();
      ++ran;
    }));
    started.WaitForNotification();  // the only thread is busy now
    ASSERT_TRUE(executor.TrySchedule([&] { ++ran; }));
    ASSERT_TRUE(executor.TrySchedule([&] { ++ran; }));
    EXPECT_FALSE(executor.TrySchedule([&] { ran += 100; }));  // queue full
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 3);
}

TEST(TxnExecutorTest, TasksRunConcurrentlyOnSeveralThreads) {
  absl::Notification a_waiting, b_done;
  TxnExecutor executor(/*threads=*/2, /*capacity=*/8);
  // `a` waits for `b`: only possible when they run on two threads at once.
  ASSERT_TRUE(executor.TrySchedule([&] {
    a_waiting.Notify();
    b_done.WaitForNotification();
  }));
  a_waiting.WaitForNotification();
  ASSERT_TRUE(executor.TrySchedule([&] { b_done.Notify(); }));
  b_done.WaitForNotification();
}

}  // namespace
}  // namespace rtai::broker::txn
