#include "base/bounded_queue.h"

#include <thread>

#include "gtest/gtest.h"

namespace rtai {
namespace {

TEST(BoundedQueueTest, TryPushFailsWhenFullAndPopDrainsInOrder) {
  BoundedQueue<int> q(2);
  int a = 1, b = 2, c = 3;
  EXPECT_TRUE(q.TryPush(a));
  EXPECT_TRUE(q.TryPush(b));
  EXPECT_FALSE(q.TryPush(c));
  EXPECT_EQ(*q.Pop(), 1);
  EXPECT_EQ(*q.Pop(), 2);
  EXPECT_FALSE(q.PopWithTimeout(absl::Milliseconds(1)).has_value());
}

TEST(BoundedQueueTest, BlockedPushIsReleasedByPopAndCloseDrains) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.Push(1));
  std::thread producer([&] { EXPECT_TRUE(q.Push(2)); });
  EXPECT_EQ(*q.Pop(), 1);
  producer.join();
  q.Close();
  EXPECT_FALSE(q.Push(3));
  EXPECT_EQ(*q.Pop(), 2);
  EXPECT_FALSE(q.Pop().has_value());
}

}  // namespace
}  // namespace rtai
