#include "engine/window/window_assigners.h"

#include <map>
#include <vector>

#include "base/random.h"
#include "engine/window/aggregates.h"
#include "gtest/gtest.h"

namespace rtai::engine::window {
namespace {

struct Event {
  int64_t ts;
  int64_t value;
};
// Out of order, with a negative timestamp and window boundaries.
const std::vector<Event> kEvents = {{12, 5},  {3, 1},  {17, 2}, {9, 4},
                                    {25, 10}, {11, 3}, {-1, 7}, {0, 6}};

struct Accs {
  CountAgg count;
  SumInt64Agg sum;
  MinAgg<int64_t> min;
  MaxAgg<int64_t> max;
  FirstAgg<int64_t> first;
  LastAgg<int64_t> last;
  void Add(const Event& e, int64_t seq) {
    count.Add();
    sum.Add(e.value);
    min.Add(e.value);
    max.Add(e.value);
    first.Add(e.value, e.ts, seq);
    last.Add(e.value, e.ts, seq);
  }
  void Merge(const Accs& o) {
    count.Merge(o.count);
    sum.Merge(o.sum);
    min.Merge(o.min);
    max.Merge(o.max);
    first.Merge(o.first);
    last.Merge(o.last);
  }
};

TEST(TumblingWindowsTest, OutOfOrderEventsLandInHandComputedWindows) {
  auto tumbling = TumblingWindows::Create(10);
  ASSERT_TRUE(tumbling.ok());
  std::map<TimeWindow, Accs> windows;
  for (size_t i = 0; i < kEvents.size(); ++i) {
    windows[tumbling->WindowFor(kEvents[i].ts)].Add(kEvents[i],
                                                    static_cast<int64_t>(i));
  }
  ASSERT_EQ(windows.size(), 4u);
  const Accs& w0 = windows.at(TimeWindow{0, 10});
  EXPECT_EQ(w0.count.Result(), 3);
  EXPECT_EQ(w0.sum.Result(), 11);
  EXPECT_EQ(w0.min.Result(), 1);
  EXPECT_EQ(w0.max.Result(), 6);
  EXPECT_EQ(w0.first.Result(), 6);  // ts 0, arrived last
  EXPECT_EQ(w0.last.Result(), 4);   // ts 9
  const Accs& w1 = windows.at(TimeWindow{10, 20});
  EXPECT_EQ(w1.sum.Result(), 10);
  EXPECT_EQ(w1.first.Result(), 3);  // ts 11
  EXPECT_EQ(w1.last.Result(), 2);   // ts 17
  EXPECT_EQ(windows.at(TimeWindow{-10, 0}).sum.Result(), 7);
  EXPECT_EQ(windows.at(TimeWindow{20, 30}).count.Result(), 1);
  EXPECT_EQ(TumblingWindows::Create(10, 3)->WindowFor(2), (TimeWindow{-7, 3}));
  EXPECT_FALSE(TumblingWindows::Create(0).ok());
  EXPECT_FALSE(TumblingWindows::Create(10, 10).ok());
}

TEST(SlidingWindowsTest, SlicesCombineIntoHandComputedWindows) {
  auto sliding = SlidingWindows::Create(10, 5);
  ASSERT_TRUE(sliding.ok());
  EXPECT_EQ(sliding->slice_ms(), 5);
  std::map<TimeWindow, Accs> slices;
  for (size_t i = 0; i < kEvents.size(); ++i) {
    slices[sliding->SliceFor(kEvents[i].ts)].Add(kEvents[i],
                                                 static_cast<int64_t>(i));
  }
  std::map<TimeWindow, Accs> windows;
  std::vector<TimeWindow> ws, parts;
  for (const auto& [slice, acc] : slices) {
    ws.clear();
    sliding->WindowsOfSlice(slice, &ws);
    for (const TimeWindow& w : ws) windows[w];
  }
  for (auto& [w, acc] : windows) {
    parts.clear();
    sliding->SlicesOfWindow(w, &parts);
    ASSERT_EQ(parts.size(), 2u);
    for (const TimeWindow& p : parts) {
      if (auto it = slices.find(p); it != slices.end()) acc.Merge(it->second);
    }
  }
  const std::map<TimeWindow, std::pair<int64_t, int64_t>> expected = {
      {{-10, 0}, {1, 7}},  {{-5, 5}, {3, 14}},  {{0, 10}, {3, 11}},
      {{5, 15}, {3, 12}},  {{10, 20}, {3, 10}}, {{15, 25}, {1, 2}},
      {{20, 30}, {1, 10}}, {{25, 35}, {1, 10}}};
  ASSERT_EQ(windows.size(), expected.size());
  for (const auto& [w, cs] : expected) {
    ASSERT_TRUE(windows.count(w)) << w.DebugString();
    EXPECT_EQ(windows.at(w).count.Result(), cs.first) << w.DebugString();
    EXPECT_EQ(windows.at(w).sum.Result(), cs.second) << w.DebugString();
  }
  EXPECT_EQ(windows.at(TimeWindow{5, 15}).first.Result(), 4);  // ts 9
  EXPECT_EQ(windows.at(TimeWindow{5, 15}).max.Result(), 5);
}

// With a slide that does not divide the size, slices (gcd) still give
// exactly what assigning every record to all its windows gives.
TEST(SlidingWindowsTest,
     SlicingMatchesDirectAssignmentOnRandomOutOfOrderInput) {
  auto sliding = SlidingWindows::Create(10, 4, 1);
  ASSERT_TRUE(sliding.ok());
  EXPECT_EQ(sliding->slice_ms(), 2);
  Random rng(3);
  std::map<TimeWindow, SumInt64Agg> direct, slices;
  std::vector<TimeWindow> ws;
  for (int i = 0; i < 2000; ++i) {
    const int64_t ts = static_cast<int64_t>(rng.Uniform(200)) - 50;
    const int64_t v = static_cast<int64_t>(rng.Uniform(1000));
    ws.clear();
    sliding->WindowsFor(ts, &ws);
    ASSERT_FALSE(ws.empty());
    for (const TimeWindow& w : ws) {
      ASSERT_TRUE(w.Contains(ts));
      ASSERT_EQ((w.start_ms - 1) % 4, 0);
      direct[w].Add(v);
    }
    slices[sliding->SliceFor(ts)].Add(v);
  }
  std::vector<TimeWindow> parts;
  for (const auto& [w, acc] : direct) {
    SumInt64Agg combined;
    parts.clear();
    sliding->SlicesOfWindow(w, &parts);
    ASSERT_EQ(parts.size(), 5u);
    for (const TimeWindow& p : parts) {
      if (auto it = slices.find(p); it != slices.end())
        combined.Merge(it->second);
    }
    EXPECT_EQ(combined.Result(), acc.Result()) << w.DebugString();
    EXPECT_EQ(combined.n, acc.n);
  }
  EXPECT_FALSE(SlidingWindows::Create(10, 0).ok());
  EXPECT_FALSE(SlidingWindows::Create(1'000'000'007, 1'000'000'009)
                   .ok());  // too many slices
}

TEST(CountWindowsTest, GroupsEveryNElements) {
  auto c = CountWindows::Create(3);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->WindowFor(0), 0u);
  EXPECT_EQ(c->WindowFor(2), 0u);
  EXPECT_EQ(c->WindowFor(3), 1u);
  EXPECT_FALSE(c->CompletesWindow(1));
  EXPECT_TRUE(c->CompletesWindow(2));
  EXPECT_TRUE(c->CompletesWindow(5));
  EXPECT_FALSE(CountWindows::Create(0).ok());
}

}  // namespace
}  // namespace rtai::engine::window
