// A slow sink: channels are bounded, so the records between the source and
// the sink stay bounded (memory) and the source is slowed down (it blocks on
// its full output channel) — and no record is lost.
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using testing_util::SlowAppendClient;

TEST(BackpressureTest, SlowSinkBoundsInFlightRecordsAndLosesNothing) {
  testing_util::JobFixture f;
  ASSERT_TRUE(f.client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  constexpr int kRecords = 3000;
  for (int i = 0; i < kRecords; ++i) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"v\":", i, "}");
    ASSERT_TRUE(f.client.AppendTo("in", 0, std::move(r)).ok());
  }
  // REBALANCE puts a channel between source and sink (no chaining).
  const std::string job = R"({"version": 1, "name": "slow",
    "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
    "nodes": [
      {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e", "bounded": true}},
      {"uid": "double", "operator": "map", "config": {"fields": [{"name": "v", "expr": "v * 2"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "double"},
              {"from": "double", "to": "out", "partitioning": "REBALANCE"}]})";
  SlowAppendClient slow(&f.client, absl::Milliseconds(2));
  auto g = graph::ParseAndValidateJobGraph(job);
  ASSERT_TRUE(g.ok()) << g.status();
  f.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  runtime::RuntimeOptions o;
  o.client = &slow;
  o.state_dir = f.dir.path();
  o.source_batch_records = 10;
  o.channel_capacity = 4;
  auto runner = runtime::JobRunner::Start(f.graph, o, operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  f.runner = std::move(*runner);
  // Bound: 4 batches queued + 1 being pushed + 1 in the sink, 10 rows each.
  constexpr int64_t kBound = (4 + 1 + 1) * 10;
  int64_t max_in_flight = 0;
  int samples = 0;
  while (f.runner->state() == runtime::RunState::kRunning) {
    const int64_t read = f.Metric("src").records_out;
    const int64_t written = f.Metric("out").records_in;
    max_in_flight = std::max(max_in_flight, read - written);
    ++samples;
    absl::SleepFor(absl::Milliseconds(1));
  }
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished) << f.runner->status();
  EXPECT_GT(samples, 50);  // the job ran long enough to sample
  EXPECT_LE(max_in_flight, kBound);
  // The source spent most of its time blocked on the full channel.
  EXPECT_GT(f.Metric("double").backpressure, 0.3);
  const std::vector<std::string> out = f.Values("out");
  ASSERT_EQ(out.size(), static_cast<size_t>(kRecords));
  std::set<std::string> distinct(out.begin(), out.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_TRUE(distinct.contains(absl::StrCat("{\"v\":", 2 * i, "}"))) << i;
  }
}

}  // namespace
}  // namespace rtai::engine
