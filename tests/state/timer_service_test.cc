// TimerService: timers in RocksDB pop in (time, key|namespace) order across
// key groups, once, with deletes, partial scans, restore from a RocksDB
// checkpoint, clipping by key group, and no interference from TTL.
#include "state/timer_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "gtest/gtest.h"
#include "state/key_group.h"
#include "state/keyed_state_backend.h"
#include "tests/state/state_test_util.h"

namespace rtai::state {
namespace {

using Fired = std::tuple<int64_t, std::string, std::string>;

std::unique_ptr<KeyedStateBackend> OpenAt(const std::string& dir, const Clock* clock,
                                          uint32_t max_parallelism = 128) {
  KeyedStateOptions o;
  o.dir = dir;
  o.clock = clock;
  o.max_parallelism = max_parallelism;
  auto b = KeyedStateBackend::Open(o);
  EXPECT_TRUE(b.ok()) << b.status();
  return std::move(*b);
}

std::vector<Fired> PopAll(TimerService* t, int64_t up_to) {
  std::vector<Fired> out;
  absl::Status s = t->PopUpTo(up_to, [&](const TimerService::Timer& x) {
    out.emplace_back(x.time, std::string(x.key), std::string(x.ns));
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// Param: memory_timers — 0 (all in RocksDB), 50 (spills often, so timers
// pop from memory and RocksDB at once, with duplicates), the default.
class TimerServiceTest : public ::testing::TestWithParam<size_t> {
 protected:
  TimerServiceTest() : backend_(OpenAt(tmp_.Sub("db"), &clock_)) {
    TimerServiceOptions o;
    o.memory_timers = GetParam();
    timers_ = std::move(*backend_->GetTimerService("op", {"timers"}, o));
  }
  std::unique_ptr<TimerService> Reopen() {
    TimerServiceOptions o;
    o.memory_timers = GetParam();
    return std::move(*backend_->GetTimerService("op", {"timers"}, o));
  }
  TempDir tmp_;
  FakeClock clock_{1'000'000};
  std::unique_ptr<KeyedStateBackend> backend_;
  std::unique_ptr<TimerService> timers_;
};

TEST_P(TimerServiceTest, PopsInTimeThenKeyOrderAcrossKeyGroupsOnce) {
  Random rng(7);
  std::vector<Fired> expected;
  for (int i = 0; i < 3000; ++i) {
    const int64_t time = static_cast<int64_t>(rng.Uniform(200)) - 100;  // negatives too
    std::string key = absl::StrCat("k", rng.Uniform(500), ";");        // prefix-free
    std::string ns(1, static_cast<char>(rng.Uniform(3)));
    ASSERT_TRUE(timers_->Register(time, key, ns).ok());
    expected.emplace_back(time, key, ns);
  }
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(timers_->EarliestTime(), std::get<0>(expected.front()));
  std::vector<Fired> first = PopAll(timers_.get(), 0);
  std::vector<Fired> rest = PopAll(timers_.get(), 1000);
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_EQ(first, expected);  // each timer once, in order
  EXPECT_TRUE(PopAll(timers_.get(), INT64_MAX).empty());
  EXPECT_EQ(timers_->EarliestTime(), TimerService::kNoTimer);
  EXPECT_EQ(*backend_->CountRawEntries("op"), 1u);  // only the metadata entry
}

TEST_P(TimerServiceTest, ManyDueTimersInOneKeyGroupAreReloadedInChunks) {
  // 128 due groups make the chunk 512: one key with 5000 timers needs reloads.
  std::vector<Fired> expected;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(timers_->Register(i, "hot;", "").ok());
    expected.emplace_back(i, "hot;", "");
  }
  for (int i = 0; i < 2000; ++i) {
    const std::string key = absl::StrCat("k", i, ";");
    ASSERT_TRUE(timers_->Register(i % 7, key, "n").ok());
    expected.emplace_back(i % 7, key, "n");
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(PopAll(timers_.get(), INT64_MAX), expected);
  EXPECT_TRUE(PopAll(timers_.get(), INT64_MAX).empty());  // range-deleted
  EXPECT_EQ(*backend_->CountRawEntries("op"), 1u);          // metadata only
  // A timer registered again inside a range-deleted run is live.
  ASSERT_TRUE(timers_->Register(2500, "hot;", "").ok());
  EXPECT_EQ(PopAll(timers_.get(), INT64_MAX), (std::vector<Fired>{{2500, "hot;", ""}}));
}

TEST_P(TimerServiceTest, DeletedAndReRegisteredTimers) {
  ASSERT_TRUE(timers_->Register(10, "a;", "x").ok());
  ASSERT_TRUE(timers_->Register(10, "a;", "x").ok());  // duplicate: one timer
  ASSERT_TRUE(timers_->Register(20, "b;", "y").ok());
  ASSERT_TRUE(timers_->Delete(20, "b;", "y").ok());
  ASSERT_TRUE(timers_->Delete(30, "never;", "").ok());  // absent: no-op
  EXPECT_EQ(PopAll(timers_.get(), 100), (std::vector<Fired>{{10, "a;", "x"}}));
  // Registered again after a delete or a pop: written again (the dedupe set
  // forgets popped and deleted timers).
  ASSERT_TRUE(timers_->Register(20, "b;", "y").ok());
  ASSERT_TRUE(timers_->Register(10, "a;", "x").ok());
  EXPECT_EQ(PopAll(timers_.get(), 100), (std::vector<Fired>{{10, "a;", "x"}, {20, "b;", "y"}}));
}

TEST_P(TimerServiceTest, CallbackRegistrationsAndErrors) {
  ASSERT_TRUE(timers_->Register(5, "a;", "").ok());
  ASSERT_TRUE(timers_->Register(6, "b;", "").ok());
  std::vector<int64_t> seen;
  absl::Status s = timers_->PopUpTo(10, [&](const TimerService::Timer& t) {
    seen.push_back(t.time);
    if (t.time == 5) return timers_->Register(7, "c;", "");  // due: next call
    return absl::InternalError("boom");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 6}));
  // The failed timer stays; the new one fires on the next scan.
  EXPECT_LE(timers_->EarliestTime(), 6);  // a lower bound after an error
  EXPECT_EQ(PopAll(timers_.get(), 10), (std::vector<Fired>{{6, "b;", ""}, {7, "c;", ""}}));
}

TEST_P(TimerServiceTest, RestoresFromARocksDbCheckpoint) {
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(timers_->Register(1000 + i, absl::StrCat("k", i % 37, ";"), "w").ok());
  }
  EXPECT_EQ(PopAll(timers_.get(), 1099).size(), 100u);
  ASSERT_TRUE(timers_->Flush().ok());
  ASSERT_TRUE(backend_->CreateCheckpoint(tmp_.Sub("cp")).ok());
  PopAll(timers_.get(), INT64_MAX);  // the live instance moves on
  auto restored = OpenAt(tmp_.Sub("cp"), &clock_);
  auto timers = std::move(*restored->GetTimerService("op", {"timers"}));
  EXPECT_EQ(timers->EarliestTime(), 1100);
  const std::vector<Fired> fired = PopAll(timers.get(), INT64_MAX);
  ASSERT_EQ(fired.size(), 900u);
  EXPECT_EQ(std::get<0>(fired.front()), 1100);
  EXPECT_EQ(std::get<0>(fired.back()), 1999);
}

// The window operator's checkpoint: FlushWrites keeps the memory tier, the
// snapshot carries it (ForEachMemoryTimer), restore registers it again; the
// restored service fires exactly what the live one had left.
TEST_P(TimerServiceTest, MemoryTierCarriedBesideTheRocksDbCheckpointRestoresExactly) {
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(timers_->Register(1000 + i, absl::StrCat("k", i % 37, ";"), "w").ok());
  }
  ASSERT_TRUE(timers_->Delete(1500, "k19;", "w").ok());
  EXPECT_EQ(PopAll(timers_.get(), 1099).size(), 100u);
  ASSERT_TRUE(timers_->FlushWrites().ok());
  std::vector<Fired> carried;
  timers_->ForEachMemoryTimer([&](const TimerService::Timer& t) {
    carried.emplace_back(t.time, std::string(t.key), std::string(t.ns));
  });
  EXPECT_EQ(carried.size(), timers_->memory_size());
  EXPECT_TRUE(std::is_sorted(carried.begin(), carried.end()));
  ASSERT_TRUE(backend_->CreateCheckpoint(tmp_.Sub("cp")).ok());
  const std::vector<Fired> live = PopAll(timers_.get(), INT64_MAX);
  ASSERT_EQ(live.size(), 899u);

  auto restored = OpenAt(tmp_.Sub("cp"), &clock_);
  TimerServiceOptions o;
  o.memory_timers = GetParam();
  auto timers = std::move(*restored->GetTimerService("op", {"timers"}, o));
  for (const auto& [time, key, ns] : carried) ASSERT_TRUE(timers->Register(time, key, ns).ok());
  EXPECT_EQ(PopAll(timers.get(), INT64_MAX), live);
}

TEST_P(TimerServiceTest, TimersHaveNoTtlAndFollowTheirKeyGroupOnClip) {
  EXPECT_FALSE(backend_->GetTimerService("op", {"ttl", 1000}).ok());
  EXPECT_FALSE(backend_->GetValueState("op", {"timers"}).ok());  // another kind
  auto value = std::move(*backend_->GetValueState("op", {"v", /*ttl_ms=*/10}));
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    keys.push_back(absl::StrCat("k", i, ";"));
    ASSERT_TRUE(timers_->Register(i, keys.back(), "").ok());
    ASSERT_TRUE(value->Put(keys.back(), "", "x").ok());
  }
  ASSERT_TRUE(timers_->Flush().ok());
  clock_.AdvanceMillis(1'000'000);
  ASSERT_TRUE(backend_->CompactAll().ok());  // drops the expired values only
  ASSERT_TRUE(backend_->ClipToKeyGroups(0, 63).ok());
  auto timers = Reopen();
  std::vector<Fired> expected;
  for (int i = 0; i < 200; ++i) {
    if (KeyGroupForKey(keys[i], 128) <= 63) expected.emplace_back(i, keys[i], "");
  }
  ASSERT_GT(expected.size(), 50u);
  EXPECT_EQ(PopAll(timers.get(), INT64_MAX), expected);
}

TEST_P(TimerServiceTest, DedupeSetStaysBounded) {
  TimerServiceOptions o;
  o.memory_timers = GetParam();
  o.dedupe_entries = 100;
  o.batch_ops_max = 64;
  auto small = std::move(*backend_->GetTimerService("op2", {"t"}, o));
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(small->Register(i, "k;", "").ok());
    ASSERT_LE(small->dedupe_size(), 100u);
    ASSERT_LE(small->memory_size(), std::max<size_t>(GetParam(), 1));
  }
  EXPECT_EQ(PopAll(small.get(), INT64_MAX).size(), 10000u);
}

INSTANTIATE_TEST_SUITE_P(MemoryTimers, TimerServiceTest, ::testing::Values(0, 50, 65536));

TEST(TimerServiceMemoryTest, DuplicatesInMemoryAndRocksDbFireOnce) {
  TempDir tmp;
  FakeClock clock(0);
  auto backend = OpenAt(tmp.Sub("db"), &clock);
  TimerServiceOptions o;
  o.memory_timers = 10;
  o.dedupe_entries = 0;  // nothing known to be in RocksDB
  auto timers = std::move(*backend->GetTimerService("op", {"t"}, o));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(timers->Register(i, "k;", "").ok());
  ASSERT_TRUE(timers->Flush().ok());  // all 20 in RocksDB
  for (int i = 0; i < 20; i += 2) ASSERT_TRUE(timers->Register(i, "k;", "").ok());  // again
  EXPECT_EQ(timers->memory_size(), 10u);
  const std::vector<Fired> fired = PopAll(timers.get(), 100);
  ASSERT_EQ(fired.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(std::get<0>(fired[i]), i);
  EXPECT_EQ(*backend->CountRawEntries("op"), 1u);
}

}  // namespace
}  // namespace rtai::state
