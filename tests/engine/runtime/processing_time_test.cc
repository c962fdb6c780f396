// Processing-time timers (runtime/processing_timers.h) and the window
// operator's processing-time mode: records are windowed by the task clock
// at arrival, whatever their event time, and windows fire when the clock
// passes their end — driven by a FakeClock.
#include "engine/runtime/processing_timers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using runtime::ProcessingTimers;
using testing_util::JobFixture;
using testing_util::WindowJob;
using ::testing::ElementsAre;
using ::testing::Pair;

TEST(ProcessingTimersTest, DueTimersPopInTimeOrderOncePerOperatorAndTime) {
  ProcessingTimers t;
  ASSERT_TRUE(t.Register(1, 50).ok());
  ASSERT_TRUE(t.Register(0, 20).ok());
  ASSERT_TRUE(t.Register(0, 20).ok());  // the same timer
  ASSERT_TRUE(t.Register(2, 20).ok());
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.next(), 20);
  EXPECT_TRUE(t.PopDue(19).empty());
  EXPECT_THAT(t.PopDue(49), ElementsAre(Pair(20, 0), Pair(20, 2)));
  EXPECT_THAT(t.PopDue(1000), ElementsAre(Pair(50, 1)));
  EXPECT_TRUE(t.empty());
}

// A window job over processing time: `time: processing` in the config.
std::string ProcessingJob() {
  std::string json = WindowJob(R"({"type": "tumbling", "size_ms": 1000})",
                               R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}])",
                               0, 0, /*bounded=*/false);
  const std::string anchor = R"("allowed_lateness_ms": 0)";
  json.replace(json.find(anchor), anchor.size(), anchor + R"(, "time": "processing")");
  return json;
}

void WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!done() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
}

TEST(ProcessingTimeWindowTest, WindowsFollowTheClockNotEventTime) {
  FakeClock clock;
  clock.SetMillis(500);
  JobFixture f;
  f.CreateTopics(1);
  // Event times far apart and out of order: processing time ignores them.
  f.Produce({{0, "a", 1, 900'000}, {0, "a", 2, 5}, {0, "b", 10, 70'000}});
  ASSERT_TRUE(f.Start(ProcessingJob(), &clock).ok());
  WaitFor([&] { return f.Metric("win").records_in == 3; });
  ASSERT_EQ(f.Metric("win").records_in, 3);
  absl::SleepFor(absl::Milliseconds(150));  // more than the task's longest wait
  EXPECT_TRUE(f.Values("out").empty());     // the clock has not passed 1000
  clock.SetMillis(1000);                    // [0, 1000) ends
  WaitFor([&] { return f.Values("out").size() == 2; });
  EXPECT_THAT(f.Values("out"),
              ElementsAre(R"({"k":"a","window_start":0,"window_end":1000,"n":2,"s":3})",
                          R"({"k":"b","window_start":0,"window_end":1000,"n":1,"s":10})"));
  // Later arrivals land in the window of their arrival.
  clock.SetMillis(1700);
  f.Produce({{0, "a", 100, 1}});
  WaitFor([&] { return f.Metric("win").records_in == 4; });
  clock.SetMillis(2000);
  WaitFor([&] { return f.Values("out").size() == 3; });
  EXPECT_EQ(f.Values("out").back(), R"({"k":"a","window_start":1000,"window_end":2000,"n":1,"s":100})");
  EXPECT_EQ(f.Metric("win").records_dropped, 0);
  f.runner->Cancel();
  EXPECT_EQ(f.runner->Wait(), runtime::RunState::kCanceled);
}

TEST(ProcessingTimeWindowTest, BadConfigsAreRefusedAtSubmit) {
  std::string json = ProcessingJob();
  json.replace(json.find(R"("allowed_lateness_ms": 0)"), 24, R"("allowed_lateness_ms": 5)");
  auto g = graph::ParseAndValidateJobGraph(json);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(std::string(g.status().message()), ::testing::HasSubstr("processing-time"));
  json = ProcessingJob();
  json.replace(json.find(R"("time": "processing")"), 20, R"("time": "wall")");
  g = graph::ParseAndValidateJobGraph(json);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(std::string(g.status().message()), ::testing::HasSubstr("\"event\" or \"processing\""));
}

}  // namespace
}  // namespace rtai::engine
