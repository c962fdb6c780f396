#include <thread>
#include <vector>

#include "base/metrics/counter.h"
#include "base/metrics/family.h"
#include "base/metrics/gauge.h"
#include "base/metrics/histogram.h"
#include "gtest/gtest.h"

namespace rtai::metrics {
namespace {

TEST(CounterTest, ConcurrentIncrementsAreAllCounted) {
  Counter c;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < kPerThread; ++i) c.Increment(t % 2 == 0 ? 1 : 3);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(c.Value(), int64_t{kPerThread} * (4 * 1 + 4 * 3));
}

TEST(GaugeTest, SetAndAdd) {
  Gauge g;
  g.Set(10);
  g.Add(-15);
  EXPECT_EQ(g.Value(), -5);
}

TEST(HistogramTest, UpperBoundsAreInclusive) {
  Histogram h({10, 100, 1000});
  for (int64_t v : {0, 10, 11, 100, 101, 1000, 1001, 1 << 30}) h.Observe(v);
  const Histogram::Snapshot s = h.Read();
  ASSERT_EQ(s.bucket_counts.size(), 4u);
  EXPECT_EQ(s.bucket_counts[0], 2);  // 0, 10
  EXPECT_EQ(s.bucket_counts[1], 2);  // 11, 100
  EXPECT_EQ(s.bucket_counts[2], 2);  // 101, 1000
  EXPECT_EQ(s.bucket_counts[3], 2);  // 1001, 2^30 (+Inf)
  EXPECT_EQ(s.count, 8);
  EXPECT_EQ(s.sum, 0 + 10 + 11 + 100 + 101 + 1000 + 1001 + (1 << 30));
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram h(ExponentialBounds(1, 2.0, 10));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 100000; ++i) h.Observe(i % 2000);
    });
  }
  for (std::thread& t : threads) t.join();
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 400000);
  int64_t expected_sum = 0;
  for (int i = 0; i < 100000; ++i) expected_sum += i % 2000;
  EXPECT_EQ(s.sum, 4 * expected_sum);
}

TEST(HistogramTest, ExponentialBoundsStrictlyIncrease) {
  EXPECT_EQ(ExponentialBounds(1, 2.0, 5), (std::vector<int64_t>{1, 2, 4, 8, 16}));
  // Rounding would repeat 1: kept strictly increasing.
  EXPECT_EQ(ExponentialBounds(1, 1.1, 4), (std::vector<int64_t>{1, 2, 3, 4}));
  const std::vector<int64_t> lat = LatencyBoundsNanos();
  EXPECT_EQ(lat.front(), 50000);
  EXPECT_EQ(lat.size(), 20u);
}

TEST(HistogramDeathTest, UnsortedBoundsAreAProgrammerError) {
  EXPECT_DEATH(Histogram({5, 5}), "");
}

TEST(FamilyTest, SameLabelsSameSeries) {
  Family<Counter> f({"topic"}, 10, [] { return std::make_unique<Counter>(); });
  Counter* a = f.WithLabels({"a"});
  EXPECT_EQ(a, f.WithLabels({"a"}));
  EXPECT_NE(a, f.WithLabels({"b"}));
}

TEST(FamilyTest, OverflowSharesOneSeriesAndIsCounted) {
  Family<Counter> f({"topic"}, 2, [] { return std::make_unique<Counter>(); });
  f.WithLabels({"a"})->Increment();
  f.WithLabels({"b"})->Increment();
  Counter* c = f.WithLabels({"c"});
  EXPECT_EQ(c, f.WithLabels({"d"}));
  c->Increment(5);
  EXPECT_EQ(f.overflowed(), 2);
  // Existing series still resolve to themselves.
  EXPECT_EQ(f.WithLabels({"a"})->Value(), 1);
  std::vector<std::string> seen;
  f.ForEach([&](const std::vector<std::string>& v, const Counter&) { seen.push_back(v[0]); });
  EXPECT_EQ(seen, (std::vector<std::string>{"__overflow__", "a", "b"}));
}

TEST(FamilyTest, LongLabelValuesAreTruncated) {
  Family<Gauge> f({"group"}, 10, [] { return std::make_unique<Gauge>(); });
  const std::string long_value(10000, 'x');
  Gauge* g = f.WithLabels({long_value});
  EXPECT_EQ(g, f.WithLabels({std::string(kMaxLabelValueBytes, 'x')}));
}

TEST(FamilyDeathTest, WrongLabelCountIsAProgrammerError) {
  Family<Gauge> f({"a", "b"}, 10, [] { return std::make_unique<Gauge>(); });
  EXPECT_DEATH(f.WithLabels({"only one"}), "");
}

TEST(FamilyTest, ConcurrentLookupsAndIncrementsAcrossSeries) {
  Family<Counter> f({"t"}, 100, [] { return std::make_unique<Counter>(); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f] {
      for (int i = 0; i < 20000; ++i) f.WithLabels({std::to_string(i % 7)})->Increment();
    });
  }
  for (std::thread& t : threads) t.join();
  int64_t total = 0;
  f.ForEach([&](const std::vector<std::string>&, const Counter& c) { total += c.Value(); });
  EXPECT_EQ(total, 80000);
}

}  // namespace
}  // namespace rtai::metrics
