#include "engine/operators/window_accumulator.h"

#include <cmath>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::engine::operators {
namespace {

using graph::AggregateFn;
using graph::AggregateSpec;

std::vector<AggregateSpec> Specs() {
  return {
      {"n", AggregateFn::kCount, "", TypeId::kNull, TypeId::kInt64},
      {"nv", AggregateFn::kCount, "v", TypeId::kInt64, TypeId::kInt64},
      {"s", AggregateFn::kSum, "v", TypeId::kInt64, TypeId::kInt64},
      {"sd", AggregateFn::kSum, "d", TypeId::kDouble, TypeId::kDouble},
      {"lo", AggregateFn::kMin, "d", TypeId::kDouble, TypeId::kDouble},
      {"hi", AggregateFn::kMax, "t", TypeId::kTimestamp, TypeId::kTimestamp},
      {"avg", AggregateFn::kAvg, "v", TypeId::kInt64, TypeId::kDouble},
      {"dev", AggregateFn::kStddev, "d", TypeId::kDouble, TypeId::kDouble},
      {"first", AggregateFn::kFirst, "v", TypeId::kInt64, TypeId::kInt64},
      {"last", AggregateFn::kLast, "b", TypeId::kBool, TypeId::kBool},
      {"distinct", AggregateFn::kApproxDistinct, "v", TypeId::kInt64, TypeId::kInt64},
  };
}

// Inputs for record i, one per spec (nulls every 7th v).
std::vector<Value> Inputs(int i) {
  const Value v = i % 7 == 3 ? Value::Null(TypeId::kInt64) : Value::Int64(i % 50);
  const Value d = Value::Double(i * 0.5 - 20);
  return {Value::Null(), v, v, d, d, Value::Timestamp(1000 + i), v, d, v, Value::Bool(i % 3 == 0), v};
}

TEST(WindowAccumulatorTest, MergingPartialsEqualsOneAccumulator) {
  const auto specs = Specs();
  WindowAccumulator acc(&specs);
  Random random(7);
  std::string whole = acc.CreateAccumulator();
  std::vector<std::string> parts(5, acc.CreateAccumulator());
  for (int i = 0; i < 500; ++i) {
    const auto in = Inputs(i);
    const int64_t ts = static_cast<int64_t>(random.Uniform(100000));
    acc.AddRecord(in.data(), ts, i, &whole);
    acc.AddRecord(in.data(), ts, i, &parts[random.Uniform(parts.size())]);
  }
  std::string merged = acc.CreateAccumulator();
  for (const std::string& p : parts) ASSERT_TRUE(acc.Merge(p, &merged).ok());
  std::vector<Value> a, b;
  ASSERT_TRUE(acc.Results(whole, &a).ok());
  ASSERT_TRUE(acc.Results(merged, &b).ok());
  ASSERT_EQ(a.size(), specs.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type() == TypeId::kDouble && !a[i].is_null()) {
      EXPECT_NEAR(a[i].dbl(), b[i].dbl(), 1e-9 * (1 + std::fabs(a[i].dbl()))) << specs[i].name;
    } else {
      EXPECT_EQ(a[i], b[i]) << specs[i].name << ": " << a[i].DebugString() << " vs " << b[i].DebugString();
    }
  }
  EXPECT_EQ(a[0].int64(), 500);
  EXPECT_EQ(a[1].int64(), 500 - 71);  // i % 7 == 3 for 71 of 0..499
  EXPECT_NEAR(a[10].int64(), 50, 3);  // HyperLogLog p=10: ~3% error
  EXPECT_EQ(a[5].timestamp_ms(), 1499);
}

TEST(WindowAccumulatorTest, EmptyAggregatesAreNullAndBadBytesAreDataLoss) {
  const auto specs = Specs();
  WindowAccumulator acc(&specs);
  std::vector<Value> r;
  ASSERT_TRUE(acc.Results(acc.CreateAccumulator(), &r).ok());
  EXPECT_EQ(r[0].int64(), 0);
  for (size_t i = 2; i < 10; ++i) EXPECT_TRUE(r[i].is_null()) << specs[i].name;
  std::string a = acc.CreateAccumulator();
  EXPECT_EQ(acc.Merge("short", &a).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(acc.Results("short", &r).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rtai::engine::operators
