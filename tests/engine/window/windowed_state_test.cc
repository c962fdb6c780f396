// Window slices and sessions kept in RocksDB keyed state: the window building
// blocks and state::AggregatingState working together on out-of-order input.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/window/aggregates.h"
#include "engine/window/session_windows.h"
#include "engine/window/state_accumulator.h"
#include "engine/window/window_assigners.h"
#include "gtest/gtest.h"
#include "state/keyed_state_backend.h"
#include "tests/state/state_test_util.h"

namespace rtai::engine::window {
namespace {

using SumState = PodStateAggregator<SumInt64Agg, int64_t>;
using StddevState = PodStateAggregator<StddevAgg, double>;

class WindowedStateTest : public ::testing::Test {
 protected:
  WindowedStateTest() {
    state::KeyedStateOptions o;
    o.dir = tmp_.Sub("db");
    o.clock = &clock_;
    backend_ = std::move(*state::KeyedStateBackend::Open(o));
  }
  state::TempDir tmp_;
  FakeClock clock_;
  std::unique_ptr<state::KeyedStateBackend> backend_;
};

TEST_F(WindowedStateTest, SlidingWindowSumsFromSlicesInState) {
  SumState sum([](SumInt64Agg& a, const int64_t& x) { a.Add(x); });
  auto st = std::move(
      *backend_->GetAggregatingState("sliding-sum", {"slices"}, &sum));
  auto sliding = *SlidingWindows::Create(10, 5);
  struct Event {
    std::string key;
    int64_t ts, value;
  };
  const std::vector<Event> events = {{"a", 12, 5}, {"a", 3, 1},  {"b", 4, 100},
                                     {"a", 17, 2}, {"a", 9, 4},  {"a", 25, 10},
                                     {"a", 11, 3}, {"a", -1, 7}, {"a", 0, 6}};
  for (const Event& e : events) {
    ASSERT_TRUE(st->Add(e.key, EncodeWindowNamespace(sliding.SliceFor(e.ts)),
                        SumState::EncodeInput(e.value))
                    .ok());
  }
  auto window_sum = [&](const std::string& key,
                        TimeWindow w) -> std::optional<int64_t> {
    std::vector<TimeWindow> slices;
    sliding.SlicesOfWindow(w, &slices);
    SumInt64Agg total;
    for (const TimeWindow& s : slices) {
      std::string bytes;
      auto found = st->Get(key, EncodeWindowNamespace(s), &bytes);
      EXPECT_TRUE(found.ok());
      if (*found) total.Merge(*SumState::Decode(bytes));
    }
    return total.Result();
  };
  EXPECT_EQ(window_sum("a", {-10, 0}), 7);
  EXPECT_EQ(window_sum("a", {-5, 5}), 14);
  EXPECT_EQ(window_sum("a", {0, 10}), 11);
  EXPECT_EQ(window_sum("a", {5, 15}), 12);
  EXPECT_EQ(window_sum("a", {10, 20}), 10);
  EXPECT_EQ(window_sum("a", {15, 25}), 2);
  EXPECT_EQ(window_sum("a", {30, 40}), std::nullopt);
  EXPECT_EQ(window_sum("b", {0, 10}), 100);
  EXPECT_EQ(window_sum("b", {5, 15}), std::nullopt);
}

TEST_F(WindowedStateTest, SessionMergesMoveAccumulatorsInState) {
  StddevState agg([](StddevAgg& a, const double& x) { a.Add(x); });
  auto st =
      std::move(*backend_->GetAggregatingState("sessions", {"acc"}, &agg));
  MergingWindowSet sessions(/*gap_ms=*/10);
  const std::vector<std::pair<int64_t, double>> events = {
      {0, 2}, {30, 4}, {5, 4}, {3, 4}, {20, 5}, {14, 5}, {100, 7}, {95, 9}};
  for (const auto& [ts, v] : events) {
    auto r = sessions.Add(ts);
    ASSERT_TRUE(r.ok());
    std::vector<std::string> sources;
    for (const TimeWindow& m : r->merged)
      sources.push_back(EncodeWindowNamespace(m));
    const std::string target = EncodeWindowNamespace(r->session);
    ASSERT_TRUE(st->MergeNamespaces("user", target, sources).ok());
    ASSERT_TRUE(st->Add("user", target, StddevState::EncodeInput(v)).ok());
  }
  // Sessions: [0,40) holds 2,4,4,4,5,5; [95,110) holds 7,9.
  EXPECT_EQ(sessions.Sessions(), (std::vector<TimeWindow>{{0, 40}, {95, 110}}));
  std::string bytes;
  ASSERT_TRUE(*st->Get("user", EncodeWindowNamespace({0, 40}), &bytes));
  const StddevAgg first = *StddevState::Decode(bytes);
  EXPECT_EQ(first.n, 6);
  EXPECT_NEAR(first.mean, 4.0, 1e-12);
  EXPECT_NEAR(*first.PopulationResult(), std::sqrt(1.0), 1e-12);
  ASSERT_TRUE(*st->Get("user", EncodeWindowNamespace({95, 110}), &bytes));
  EXPECT_NEAR(*StddevState::Decode(bytes)->PopulationResult(), 1.0, 1e-12);
  // Merged-away sessions left no state behind.
  EXPECT_FALSE(*st->Get("user", EncodeWindowNamespace({0, 15}), &bytes));
  EXPECT_FALSE(*st->Get("user", EncodeWindowNamespace({20, 40}), &bytes));
  EXPECT_FALSE(StddevState::Decode("short").ok());
}

}  // namespace
}  // namespace rtai::engine::window
