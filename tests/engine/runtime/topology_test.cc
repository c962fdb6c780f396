// Topologies through the runtime: chaining, union, key_by + HASH into a
// parallel window, BROADCAST, and metrics per operator.
#include <string>
#include <tuple>
#include <vector>

#include "engine/runtime/plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using testing_util::JobFixture;

void Fill(JobFixture& f, const std::string& topic, int32_t partitions, int n, int64_t ts0) {
  ASSERT_TRUE(f.client.CreateTopic(topic, partitions).ok());
  for (int i = 0; i < n; ++i) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"k\":\"k", i % 5, "\",\"v\":", i, ",\"ts\":", ts0 + i, "}");
    ASSERT_TRUE(f.client.AppendTo(topic, i % partitions, std::move(r)).ok());
  }
}

constexpr char kSchema[] = R"("schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
    {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}])";

TEST(TopologyTest, UnionKeyByHashIntoParallelWindow) {
  JobFixture f;
  Fill(f, "a", 2, 100, 0);
  Fill(f, "b", 3, 60, 0);
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  const std::string job = absl::StrCat(R"({"version": 1, "name": "u", )", kSchema, R"(,
    "nodes": [
      {"uid": "a", "operator": "broker_source", "parallelism": 2,
       "config": {"topic": "a", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "b", "operator": "broker_source", "parallelism": 3,
       "config": {"topic": "b", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "both", "operator": "union"},
      {"uid": "by-k", "operator": "key_by", "config": {"key": ["k"]}},
      {"uid": "win", "operator": "window_aggregate", "parallelism": 4, "config": {
        "window": {"type": "tumbling", "size_ms": 1000}, "key": ["k"],
        "aggregates": [{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "a", "to": "both"}, {"from": "b", "to": "both"},
              {"from": "both", "to": "by-k"}, {"from": "by-k", "to": "win"},
              {"from": "win", "to": "out"}]})");
  ASSERT_TRUE(f.Start(job, nullptr, 7).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  // One window [0,1000) per key k0..k4: every record counted exactly once,
  // i.e. each key's records all reached the same window subtask.
  std::vector<std::string> out = f.Values("out");
  std::sort(out.begin(), out.end());
  ASSERT_EQ(out.size(), 5u);
  int64_t sum_a = 0, sum_b = 0;
  for (int i = 0; i < 100; ++i) sum_a += i;
  for (int i = 0; i < 60; ++i) sum_b += i;
  int64_t n = 0, s = 0;
  for (const std::string& v : out) {
    n += std::stoll(v.substr(v.find("\"n\":") + 4));
    s += std::stoll(v.substr(v.find("\"s\":") + 4));
  }
  EXPECT_EQ(n, 160);
  EXPECT_EQ(s, sum_a + sum_b);
  EXPECT_EQ(f.Metric("both").records_in, 160);
  EXPECT_EQ(f.Metric("win").records_in, 160);
  EXPECT_EQ(f.Metric("win").records_out, 5);
  EXPECT_EQ(f.Metric("win").watermark, runtime::kMaxWatermark);
}

TEST(TopologyTest, BroadcastCopiesToEverySubtaskAndChainsForwardEdges) {
  JobFixture f;
  Fill(f, "a", 1, 50, 0);
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  const std::string job = absl::StrCat(R"({"version": 1, "name": "b", )", kSchema, R"(,
    "nodes": [
      {"uid": "a", "operator": "broker_source",
       "config": {"topic": "a", "schema": "e", "bounded": true}},
      {"uid": "odd", "operator": "filter", "config": {"predicate": "v % 2 = 1"}},
      {"uid": "x10", "operator": "map", "parallelism": 3,
       "config": {"fields": [{"name": "v", "expr": "v * 10"}]}},
      {"uid": "out", "operator": "broker_sink", "parallelism": 3, "config": {"topic": "out"}}],
    "edges": [{"from": "a", "to": "odd"}, {"from": "odd", "to": "x10", "partitioning": "BROADCAST"},
              {"from": "x10", "to": "out"}]})");
  auto g = graph::ParseAndValidateJobGraph(job);
  ASSERT_TRUE(g.ok()) << g.status();
  const runtime::Plan plan = runtime::PlanChains(*g);
  ASSERT_EQ(plan.chains.size(), 2u);  // [a, odd] and [x10, out]
  EXPECT_EQ(plan.chains[0].nodes, (std::vector<int>{0, 1}));
  EXPECT_EQ(plan.chains[1].nodes, (std::vector<int>{2, 3}));
  EXPECT_EQ(plan.chains[1].parallelism, 3);
  ASSERT_TRUE(f.Start(job, nullptr, 4).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  const std::vector<std::string> out = f.Values("out");
  EXPECT_EQ(out.size(), 75u);  // 25 odd values, each to 3 subtasks
  EXPECT_EQ(std::count(out.begin(), out.end(), "{\"v\":490}"), 3);
  EXPECT_EQ(f.Metric("odd").records_out, 25);
  EXPECT_EQ(f.Metric("x10").records_in, 75);
}

TEST(TopologyTest, RawSourceThenParseWithDeadLetters) {
  JobFixture f;
  ASSERT_TRUE(f.client.CreateTopic("a", 1).ok());
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  ASSERT_TRUE(f.client.CreateTopic("dlq", 1).ok());
  for (const char* v : {"a;1;5", "b;x;6", "c;3", "d;4;7"}) {
    io::ClientRecord r;
    r.value = v;
    r.timestamp_ms = 99;
    ASSERT_TRUE(f.client.AppendTo("a", 0, std::move(r)).ok());
  }
  const std::string job = absl::StrCat(R"({"version": 1, "name": "p", )", kSchema, R"(,
    "nodes": [
      {"uid": "a", "operator": "broker_source",
       "config": {"topic": "a", "format": "raw", "bounded": true}},
      {"uid": "decode", "operator": "parse", "config": {"format": "csv", "csv_delimiter": ";",
       "schema": "e", "event_time": "ts", "dead_letter_topic": "dlq"}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out", "key": "k"}}],
    "edges": [{"from": "a", "to": "decode"}, {"from": "decode", "to": "out"}]})");
  ASSERT_TRUE(f.Start(job).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  auto out = f.client.ReadAll("out", 0);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].value, "{\"k\":\"a\",\"v\":1,\"ts\":5}");
  EXPECT_EQ((*out)[0].key, "a");
  EXPECT_EQ((*out)[0].timestamp_ms, 5);  // event time from the parsed column
  EXPECT_EQ((*out)[1].value, "{\"k\":\"d\",\"v\":4,\"ts\":7}");
  auto dlq = f.client.ReadAll("dlq", 0);
  ASSERT_TRUE(dlq.ok());
  ASSERT_EQ(dlq->size(), 2u);
  EXPECT_EQ((*dlq)[0].value, "b;x;6");
  EXPECT_EQ((*dlq)[0].headers[0].second, "csv: field `v` (column 2): expected int64, got \"x\"");
  EXPECT_EQ((*dlq)[0].headers[1].second, "decode");
  EXPECT_EQ((*dlq)[1].headers[0].second, "csv: expected 3 fields, got 2");
  EXPECT_EQ(f.Metric("decode").records_dropped, 2);
  EXPECT_EQ(f.Metric("decode").records_in, 4);
}

void FillEvents(JobFixture& f, const std::string& topic,
                const std::vector<std::tuple<std::string, int, int>>& events) {
  ASSERT_TRUE(f.client.CreateTopic(topic, 1).ok());
  for (const auto& [k, v, ts] : events) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"k\":\"", k, "\",\"v\":", v, ",\"ts\":", ts, "}");
    ASSERT_TRUE(f.client.AppendTo(topic, 0, std::move(r)).ok());
  }
}

TEST(TopologyTest, IntervalJoinPairsRecordsWithinTheBounds) {
  JobFixture f;
  FillEvents(f, "l", {{"a", 1, 10}, {"b", 2, 20}, {"a", 3, 30}});
  FillEvents(f, "r", {{"a", 10, 9}, {"a", 11, 7}, {"a", 12, 12}, {"b", 13, 21}, {"a", 14, 31},
                      {"c", 15, 10}, {"a", 16, 13}});
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  const std::string job = absl::StrCat(R"({"version": 1, "name": "j", )", kSchema, R"(,
    "watermark": {"max_out_of_orderness_ms": 100},
    "nodes": [
      {"uid": "l", "operator": "broker_source",
       "config": {"topic": "l", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "r", "operator": "broker_source",
       "config": {"topic": "r", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "join", "operator": "interval_join", "parallelism": 2, "config": {
        "left_key": ["k"], "right_key": ["k"], "lower_bound_ms": -2, "upper_bound_ms": 2,
        "left_prefix": "l_", "right_prefix": "r_"}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "l", "to": "join"}, {"from": "r", "to": "join"},
              {"from": "join", "to": "out"}]})");
  ASSERT_TRUE(f.Start(job).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  std::vector<std::string> out = f.Values("out");
  std::sort(out.begin(), out.end());
  // a@10 matches right a@9 and a@12 (not a@7, a@13); b@20 matches b@21; a@30 matches a@31.
  EXPECT_THAT(out, ::testing::ElementsAre(
      "{\"l_k\":\"a\",\"l_v\":1,\"l_ts\":10,\"r_k\":\"a\",\"r_v\":10,\"r_ts\":9}",
      "{\"l_k\":\"a\",\"l_v\":1,\"l_ts\":10,\"r_k\":\"a\",\"r_v\":12,\"r_ts\":12}",
      "{\"l_k\":\"a\",\"l_v\":3,\"l_ts\":30,\"r_k\":\"a\",\"r_v\":14,\"r_ts\":31}",
      "{\"l_k\":\"b\",\"l_v\":2,\"l_ts\":20,\"r_k\":\"b\",\"r_v\":13,\"r_ts\":21}"));
  EXPECT_EQ(f.Metric("join").records_in, 10);
  EXPECT_EQ(f.Metric("join").records_out, 4);
}

TEST(TopologyTest, CancelStopsAnUnboundedJobBlockedOnAFullChannel) {
  JobFixture f;
  Fill(f, "a", 1, 2000, 0);
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  // A window that never fires (huge window, unbounded source) behind a
  // 1-batch channel: the job just runs until cancelled.
  const std::string job = absl::StrCat(R"({"version": 1, "name": "c", )", kSchema, R"(,
    "nodes": [
      {"uid": "a", "operator": "broker_source", "config": {"topic": "a", "schema": "e"}},
      {"uid": "win", "operator": "window_aggregate", "config": {
        "window": {"type": "tumbling", "size_ms": 100000000}, "key": ["k"],
        "aggregates": [{"name": "n", "fn": "count"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "a", "to": "win", "partitioning": "REBALANCE"}, {"from": "win", "to": "out"}]})");
  ASSERT_TRUE(f.Start(job, nullptr, 1, 1).ok());
  f.runner->Cancel();
  EXPECT_EQ(f.runner->Wait(), runtime::RunState::kCanceled);
  EXPECT_TRUE(f.runner->status().ok());
}

}  // namespace
}  // namespace rtai::engine
