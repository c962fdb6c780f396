#include "engine/window/session_windows.h"

#include <map>

#include "engine/window/aggregates.h"
#include "gtest/gtest.h"

namespace rtai::engine::window {
namespace {

TEST(SessionWindowsTest, LateRecordsBridgeAndMergeSessions) {
  MergingWindowSet set(/*gap_ms=*/10);
  std::map<TimeWindow, SumInt64Agg> sums;
  auto add = [&](int64_t ts, int64_t v) {
    auto r = set.Add(ts);
    EXPECT_TRUE(r.ok());
    SumInt64Agg acc;
    for (const TimeWindow& m : r->merged) {
      acc.Merge(sums.at(m));
      sums.erase(m);
    }
    if (!r->merged.empty() || r->is_new) {
      sums[r->session] = acc;
    }
    sums[r->session].Add(v);
    return *r;
  };
  auto r = add(0, 1);
  EXPECT_TRUE(r.is_new);
  EXPECT_EQ(r.session, (TimeWindow{0, 10}));
  r = add(30, 2);
  EXPECT_TRUE(r.is_new);
  r = add(5, 4);  // extends [0,10) to [0,15)
  EXPECT_EQ(r.session, (TimeWindow{0, 15}));
  EXPECT_EQ(r.merged, std::vector<TimeWindow>{(TimeWindow{0, 10})});
  r = add(3, 8);  // inside [0,15): unchanged
  EXPECT_FALSE(r.is_new);
  EXPECT_TRUE(r.merged.empty());
  EXPECT_EQ(r.session, (TimeWindow{0, 15}));
  r = add(20, 16);  // [20,30) touches [30,40)
  EXPECT_EQ(r.session, (TimeWindow{20, 40}));
  EXPECT_EQ(r.merged, std::vector<TimeWindow>{(TimeWindow{30, 40})});
  EXPECT_EQ(set.Sessions(), (std::vector<TimeWindow>{{0, 15}, {20, 40}}));
  EXPECT_EQ(sums.at(TimeWindow{0, 15}).Result(), 13);
  EXPECT_EQ(sums.at(TimeWindow{20, 40}).Result(), 18);
  r = add(14, 32);  // [14,24) bridges both
  EXPECT_EQ(r.session, (TimeWindow{0, 40}));
  EXPECT_EQ(r.merged, (std::vector<TimeWindow>{{0, 15}, {20, 40}}));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums.at(TimeWindow{0, 40}).Result(), 63);
  EXPECT_TRUE(set.Remove(TimeWindow{0, 40}));
  EXPECT_FALSE(set.Remove(TimeWindow{0, 40}));
  EXPECT_EQ(set.size(), 0u);
}

TEST(SessionWindowsTest, SessionCountIsBounded) {
  MergingWindowSet set(10, /*max_sessions=*/3);
  ASSERT_TRUE(set.Add(0).ok());
  ASSERT_TRUE(set.Add(100).ok());
  ASSERT_TRUE(set.Add(200).ok());
  EXPECT_EQ(set.Add(300).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(set.Add(105).ok());  // joins an existing session
  EXPECT_TRUE(set.Add(INT64_MAX - 1).status().code() ==
              absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace rtai::engine::window
