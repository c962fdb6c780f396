// Window results through the whole runtime (source -> window -> sinks) on
// out-of-order input, against hand-computed expectations. One source record
// per batch, so a watermark follows every record and results are exact.
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::Event;
using testing_util::JobFixture;
using testing_util::WindowJob;

constexpr char kAggs[] = R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"},
  {"name": "lo", "fn": "min", "expr": "v"}, {"name": "hi", "fn": "max", "expr": "v"},
  {"name": "first", "fn": "first", "expr": "v"}, {"name": "last", "fn": "last", "expr": "v"}])";

std::string Row(const std::string& k, int64_t start, int64_t end, int64_t n, int64_t s,
                int64_t lo, int64_t hi, int64_t first, int64_t last) {
  return absl::StrCat("{\"k\":\"", k, "\",\"window_start\":", start, ",\"window_end\":", end,
                      ",\"n\":", n, ",\"s\":", s, ",\"lo\":", lo, ",\"hi\":", hi,
                      ",\"first\":", first, ",\"last\":", last, "}");
}

// Tumbling 10 ms, out-of-orderness 5 ms:
//   a,1@1  a,2@8  b,5@3  a,3@12  a,4@5 (out of order, wm 6: accepted)
//   b,6@17 (wm 11: [0,10) fires)  a,7@2 (wm 11 >= 9: late)  a,8@25 (wm 19: [10,20) fires)
//   end of input: [20,30) fires.
const std::vector<Event> kTumblingInput = {
    {0, "a", 1, 1}, {0, "a", 2, 8},  {0, "b", 5, 3}, {0, "a", 3, 12},
    {0, "a", 4, 5}, {0, "b", 6, 17}, {0, "a", 7, 2}, {0, "a", 8, 25}};

TEST(WindowJobTest, TumblingOutOfOrderWithLateSideOutput) {
  JobFixture f;
  f.CreateTopics(1);
  f.Produce(kTumblingInput);
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "tumbling", "size_ms": 10})", kAggs, 5, 0, true)).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // first/last are by event time: a's [0,10) holds v=1@1, v=4@5, v=2@8.
  EXPECT_THAT(f.Values("out"),
              ElementsAre(Row("a", 0, 10, 3, 7, 1, 4, 1, 2), Row("b", 0, 10, 1, 5, 5, 5, 5, 5),
                          Row("a", 10, 20, 1, 3, 3, 3, 3, 3), Row("b", 10, 20, 1, 6, 6, 6, 6, 6),
                          Row("a", 20, 30, 1, 8, 8, 8, 8, 8)));
  EXPECT_THAT(f.Values("late"), ElementsAre("{\"k\":\"a\",\"v\":7,\"ts\":2}"));
  EXPECT_EQ(f.Metric("win").records_dropped, 1);
  EXPECT_EQ(f.Metric("win").records_in, 8);
  EXPECT_EQ(f.Metric("src").records_out, 8);
}

TEST(WindowJobTest, LateWithinAllowedLatenessFiresAgainBeyondGoesToSideOutput) {
  JobFixture f;
  f.CreateTopics(1);
  std::vector<Event> input = kTumblingInput;
  // After a,8@25 the watermark is 19 >= 9 + 5: [0,10) is purged, so this is late.
  input.push_back({0, "a", 9, 3});
  f.Produce(input);
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "tumbling", "size_ms": 10})", kAggs, 5, 5, true)).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // a,7@2 arrives at watermark 11 < 9 + 5: [0,10) of a fires again, updated.
  EXPECT_THAT(f.Values("out"),
              ElementsAre(Row("a", 0, 10, 3, 7, 1, 4, 1, 2), Row("b", 0, 10, 1, 5, 5, 5, 5, 5),
                          Row("a", 0, 10, 4, 14, 1, 7, 1, 2),
                          Row("a", 10, 20, 1, 3, 3, 3, 3, 3), Row("b", 10, 20, 1, 6, 6, 6, 6, 6),
                          Row("a", 20, 30, 1, 8, 8, 8, 8, 8)));
  EXPECT_THAT(f.Values("late"), ElementsAre("{\"k\":\"a\",\"v\":9,\"ts\":3}"));
  EXPECT_EQ(f.Metric("win").records_dropped, 1);
}

TEST(WindowJobTest, SlidingWindowsShareSlices) {
  JobFixture f;
  f.CreateTopics(1);
  // size 10, slide 5: 1 is in [-5,5),[0,10); 6 in [0,10),[5,15); 12 in [5,15),[10,20).
  f.Produce({{0, "a", 1, 1}, {0, "a", 2, 6}, {0, "a", 3, 12}});
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "sliding", "size_ms": 10, "slide_ms": 5})",
                                R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}])",
                                0, 0, true))
                  .ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  EXPECT_THAT(f.Values("out"),
              ElementsAre("{\"k\":\"a\",\"window_start\":-5,\"window_end\":5,\"n\":1,\"s\":1}",
                          "{\"k\":\"a\",\"window_start\":0,\"window_end\":10,\"n\":2,\"s\":3}",
                          "{\"k\":\"a\",\"window_start\":5,\"window_end\":15,\"n\":2,\"s\":5}",
                          "{\"k\":\"a\",\"window_start\":10,\"window_end\":20,\"n\":1,\"s\":3}"));
  EXPECT_TRUE(f.Values("late").empty());
}

TEST(WindowJobTest, SessionsMergeOutOfOrder) {
  JobFixture f;
  f.CreateTopics(1);
  // gap 10: a@1 [1,11), a@5 -> [1,15), a@30 [30,40), a@12 bridges into [1,22); b@3 [3,13).
  f.Produce({{0, "a", 1, 1}, {0, "a", 2, 5}, {0, "a", 3, 30}, {0, "a", 4, 12}, {0, "b", 5, 3}});
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "session", "gap_ms": 10})",
                                R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"},
                                    {"name": "sd", "fn": "stddev", "expr": "v"}])",
                                100, 0, true))
                  .ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // Fired in order of window end (b's ends first). stddev of {1, 2, 4}: mean
  // 7/3, population variance 14/9.
  EXPECT_THAT(f.Values("out"),
              ElementsAre("{\"k\":\"b\",\"window_start\":3,\"window_end\":13,\"n\":1,\"s\":5,\"sd\":0}",
                          "{\"k\":\"a\",\"window_start\":1,\"window_end\":22,\"n\":3,\"s\":7,"
                          "\"sd\":1.247219128924647}",
                          "{\"k\":\"a\",\"window_start\":30,\"window_end\":40,\"n\":1,\"s\":3,\"sd\":0}"));
}

TEST(WindowJobTest, CountWindowsFireEveryNRecordsPerKey) {
  JobFixture f;
  f.CreateTopics(1);
  f.Produce({{0, "a", 1, 10}, {0, "a", 2, 5}, {0, "a", 3, 7}, {0, "b", 4, 1}, {0, "a", 5, 1}});
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "count", "size": 2})",
                                R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"},
                                    {"name": "d", "fn": "approx_distinct", "expr": "v % 2"},
                                    {"name": "m", "fn": "avg", "expr": "v"}])",
                                0, 0, true))
                  .ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // b's single record never completes a window.
  EXPECT_THAT(f.Values("out"), ElementsAre("{\"k\":\"a\",\"n\":2,\"s\":3,\"d\":2,\"m\":1.5}",
                                           "{\"k\":\"a\",\"n\":2,\"s\":8,\"d\":1,\"m\":4}"));
}

TEST(WindowJobTest, IdlePartitionDoesNotStallTheWatermark) {
  FakeClock clock;
  JobFixture f;
  f.CreateTopics(2);
  f.Produce({{0, "a", 1, 1}, {0, "a", 2, 15}});  // partition 1 stays empty
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "tumbling", "size_ms": 10})",
                                R"([{"name": "n", "fn": "count"}])", 0, 0, /*bounded=*/false,
                                /*idle_ms=*/1000),
                      &clock)
                  .ok());
  // Wait until the source has read both records: the empty partition, not
  // yet idle, holds the watermark back, so nothing fires.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (f.Metric("src").records_out < 2 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(f.Metric("src").records_out, 2);
  EXPECT_EQ(f.Metric("win").watermark, runtime::kMinWatermark);
  EXPECT_TRUE(f.Values("out").empty());
  // Both partitions go quiet for the idle timeout; then partition 0 gets a
  // record again. Partition 1 stays idle, so the watermark follows partition
  // 0 alone: 16 - 0 - 1 = 15, and [0,10) fires.
  clock.AdvanceMillis(1000);
  f.Produce({{0, "a", 3, 16}});
  while (f.Values("out").empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_THAT(f.Values("out"),
              ElementsAre("{\"k\":\"a\",\"window_start\":0,\"window_end\":10,\"n\":1}"));
  EXPECT_EQ(f.Metric("win").watermark, 15);
  f.runner->Cancel();
  EXPECT_EQ(f.runner->Wait(), runtime::RunState::kCanceled);
}

TEST(WindowJobTest, ParallelKeyedWindowsGiveTheSameResults) {
  JobFixture f;
  f.CreateTopics(3);
  std::vector<Event> input;
  for (int i = 0; i < 300; ++i) input.push_back({i % 3, absl::StrCat("k", i % 7), i, 1000 + i});
  f.Produce(input);
  std::string job = WindowJob(R"({"type": "tumbling", "size_ms": 100})",
                              R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}])",
                              1000, 0, true);
  job = absl::StrReplaceAll(job, {{"\"name\": \"w\",", "\"name\": \"w\", \"default_parallelism\": 3,"}});
  ASSERT_TRUE(f.Start(job, nullptr, 16).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // 3 windows x 7 keys, every record counted once.
  const std::vector<std::string> out = f.Values("out");
  EXPECT_EQ(out.size(), 21u);
  EXPECT_EQ(f.Metric("win").records_in, 300);
  int64_t total = 0;
  for (const std::string& v : out) {
    const size_t pos = v.find("\"n\":");
    total += std::stoll(v.substr(pos + 4));
  }
  EXPECT_EQ(total, 300);
}

TEST(WindowJobTest, ExtremeEventTimesAreDroppedNotOverflowed) {
  for (const char* window : {R"({"type": "tumbling", "size_ms": 10})",
                             R"({"type": "sliding", "size_ms": 10, "slide_ms": 3})",
                             R"({"type": "session", "gap_ms": 10})"}) {
    JobFixture f;
    f.CreateTopics(1);
    // INT64_MIN + 1 first: the source's watermark must not wrap around. The
    // far-future record is dropped by the window but moves the watermark (the
    // watermark follows the data), so nothing may come after it here.
    f.Produce({{0, "a", 1, INT64_MIN + 1}, {0, "a", 2, 1}, {0, "a", 3, 2},
               {0, "a", 4, (int64_t{1} << 62) + 5}, {0, "a", 5, INT64_MAX}});
    ASSERT_TRUE(f.Start(WindowJob(window, R"([{"name": "n", "fn": "count"}])", 1000, 1000000,
                                  true)).ok());
    ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
    int64_t n = 0;
    for (const std::string& v : f.Values("out")) n += std::stoll(v.substr(v.find("\"n\":") + 4));
    // Records 2@1 and 3@2 only: tumbling and session one window of 2; sliding
    // (slide 3) [-6,4), [-3,7), [0,10) each hold both.
    EXPECT_EQ(n, std::string(window).find("sliding") != std::string::npos ? 6 : 2) << window;
    EXPECT_EQ(f.Values("late").size(), 3u) << window;
    EXPECT_EQ(f.Metric("win").records_dropped, 3) << window;
  }
}

TEST(WindowJobTest, TaskFailureFailsTheJobWithAClearStatus) {
  JobFixture f;
  ASSERT_TRUE(f.client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(f.client.CreateTopic("late", 1).ok());  // no `out` topic
  f.Produce({{0, "a", 1, 1}});
  ASSERT_TRUE(f.Start(WindowJob(R"({"type": "tumbling", "size_ms": 10})",
                                R"([{"name": "n", "fn": "count"}])", 0, 0, true))
                  .ok());
  EXPECT_EQ(f.runner->Wait(), runtime::RunState::kFailed);
  EXPECT_THAT(std::string(f.runner->status().message()),
              HasSubstr("task out[0]: sink topic `out`: unknown topic `out`"));
}

TEST(WindowJobTest, MalformedEventsGoToTheDeadLetterTopic) {
  JobFixture f;
  f.CreateTopics(1);
  ASSERT_TRUE(f.client.CreateTopic("dlq", 1).ok());
  f.Produce({{0, "a", 1, 1}});
  io::ClientRecord bad;
  bad.value = "{\"k\":\"a\",\"v\":\"NaN\",\"ts\":2}";
  ASSERT_TRUE(f.client.AppendTo("in", 0, bad).ok());
  bad.value = "{\"k\":\"a\",\"v\":3}";  // no event time
  ASSERT_TRUE(f.client.AppendTo("in", 0, bad).ok());
  std::string job = WindowJob(R"({"type": "tumbling", "size_ms": 10})",
                              R"([{"name": "n", "fn": "count"}])", 0, 0, true);
  job = absl::StrReplaceAll(job, {{"\"bounded\": true", "\"bounded\": true, \"dead_letter_topic\": \"dlq\""}});
  ASSERT_TRUE(f.Start(job).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  EXPECT_THAT(f.Values("out"), ElementsAre("{\"k\":\"a\",\"window_start\":0,\"window_end\":10,\"n\":1}"));
  auto dlq = f.client.ReadAll("dlq", 0);
  ASSERT_TRUE(dlq.ok());
  ASSERT_EQ(dlq->size(), 2u);
  EXPECT_EQ((*dlq)[0].value, "{\"k\":\"a\",\"v\":\"NaN\",\"ts\":2}");
  EXPECT_EQ((*dlq)[0].headers[0].first, "rtai.error");
  EXPECT_THAT((*dlq)[0].headers[0].second, HasSubstr("field `v`: expected int64, got string"));
  EXPECT_EQ((*dlq)[0].headers[1].second, "in/0/1");
  EXPECT_THAT((*dlq)[1].headers[0].second, HasSubstr("event time column `ts` is null"));
  EXPECT_EQ(f.Metric("src").records_dropped, 2);
}

}  // namespace
}  // namespace rtai::engine
