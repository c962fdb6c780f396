#include "engine/window/aggregates.h"

#include <cmath>
#include <vector>

#include "base/random.h"
#include "engine/window/hyperloglog.h"
#include "gtest/gtest.h"

namespace rtai::engine::window {
namespace {

TEST(AggregatesTest, EmptyAccumulatorsAreNullExceptCount) {
  EXPECT_EQ(CountAgg().Result(), 0);
  EXPECT_EQ(SumInt64Agg().Result(), std::nullopt);
  EXPECT_EQ(SumDoubleAgg().Result(), std::nullopt);
  EXPECT_EQ(MinAgg<double>().Result(), std::nullopt);
  EXPECT_EQ(AvgAgg().Result(), std::nullopt);
  EXPECT_EQ(StddevAgg().PopulationResult(), std::nullopt);
  EXPECT_EQ(FirstAgg<int64_t>().Result(), std::nullopt);
}

TEST(AggregatesTest, IntegerSumOverflowIsNull) {
  SumInt64Agg a;
  a.Add(INT64_MAX);
  a.Add(1);
  EXPECT_EQ(a.Result(), std::nullopt);
  SumInt64Agg b, c;
  b.Add(INT64_MAX);
  c.Add(INT64_MAX);
  b.Merge(c);
  EXPECT_EQ(b.Result(), std::nullopt);
}

TEST(AggregatesTest, StddevMatchesTextbookAndIsSplitInvariant) {
  const std::vector<double> xs = {2, 4, 4, 4, 5, 5, 7, 9};
  StddevAgg all;
  for (double x : xs) all.Add(x);
  EXPECT_DOUBLE_EQ(*all.PopulationResult(), 2.0);
  EXPECT_DOUBLE_EQ(*all.SampleResult(), std::sqrt(32.0 / 7.0));
  for (size_t split = 0; split <= xs.size(); ++split) {
    StddevAgg a, b;
    for (size_t i = 0; i < xs.size(); ++i) (i < split ? a : b).Add(xs[i]);
    a.Merge(b);
    EXPECT_NEAR(*a.PopulationResult(), 2.0, 1e-12) << split;
  }
  AvgAgg avg;
  for (double x : xs) avg.Add(x);
  EXPECT_DOUBLE_EQ(*avg.Result(), 5.0);
}

TEST(AggregatesTest, FirstLastByTimestampWithArrivalTieBreak) {
  FirstAgg<int> first;
  LastAgg<int> last;
  // (value, ts, seq) out of order; ts 5 appears twice.
  const int data[][3] = {{1, 7, 0}, {2, 5, 1}, {3, 9, 2}, {4, 5, 3}, {5, 9, 4}};
  for (const auto& d : data) {
    first.Add(d[0], d[1], d[2]);
    last.Add(d[0], d[1], d[2]);
  }
  EXPECT_EQ(first.Result(), 2);  // ts 5, earlier arrival
  EXPECT_EQ(last.Result(), 5);   // ts 9, later arrival
  FirstAgg<int> f2;
  f2.Add(9, 5, 0);
  f2.Merge(first);
  EXPECT_EQ(f2.Result(), 9);  // ts 5 seq 0 beats ts 5 seq 1
}

TEST(HyperLogLogTest, EstimatesWithinErrorBoundsAcrossRanges) {
  for (uint64_t n : {0ull, 1ull, 10ull, 1000ull, 20000ull, 200000ull}) {
    HyperLogLog h(12);
    for (uint64_t i = 0; i < n; ++i) {
      h.AddInt64(static_cast<int64_t>(i));
      if (i % 3 == 0) h.AddInt64(static_cast<int64_t>(i));  // duplicates
    }
    const double est = static_cast<double>(h.Estimate());
    const double tolerance =
        std::max(1.0, 4 * 1.04 / 64 * static_cast<double>(n));
    EXPECT_NEAR(est, static_cast<double>(n), tolerance) << n;
  }
}

TEST(HyperLogLogTest, MergeEqualsUnionAndSerializationRoundTrips) {
  HyperLogLog a(10), b(10), all(10);
  Random rng(5);
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<int64_t>(rng.Uniform(30000));
    (i % 2 ? a : b).AddInt64(v);
    all.AddInt64(v);
  }
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a.Estimate(), all.Estimate());
  EXPECT_EQ(a.Serialize(), all.Serialize());
  auto back = HyperLogLog::Deserialize(all.Serialize());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Estimate(), all.Estimate());
  HyperLogLog other(11);
  EXPECT_FALSE(a.Merge(other).ok());
}

TEST(HyperLogLogTest, MalformedBuffersAreRejected) {
  EXPECT_FALSE(HyperLogLog::Deserialize("").ok());
  EXPECT_FALSE(HyperLogLog::Deserialize(std::string(1, '\x03')).ok());
  EXPECT_FALSE(
      HyperLogLog::Deserialize(std::string(1, '\x04') + std::string(15, '\0'))
          .ok());
  std::string bad = HyperLogLog(4).Serialize();
  bad[1] = 100;  // register above 64 - p + 1
  EXPECT_FALSE(HyperLogLog::Deserialize(bad).ok());
  HyperLogLog h(4);
  h.AddBytes("x");
  EXPECT_TRUE(HyperLogLog::Deserialize(h.Serialize()).ok());
}

}  // namespace
}  // namespace rtai::engine::window
