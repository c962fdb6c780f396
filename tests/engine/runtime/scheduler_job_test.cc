// Jobs on a shared TaskScheduler with fewer workers than tasks: the same
// results whatever the pool size, several jobs progressing on one worker,
// bounded queues and a slowed source behind a slow sink, checkpoints under
// backpressure, and cancellation of tasks waiting for output space.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using testing_util::SlowAppendClient;

using runtime::RunState;
using runtime::TaskScheduler;
using runtime::TaskSchedulerOptions;
using testing_util::JobFixture;

TaskSchedulerOptions Workers(int n) {
  TaskSchedulerOptions o;
  o.threads = n;
  return o;
}

constexpr char kSchema[] = R"("schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
    {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}])";

void Fill(JobFixture& f, const std::string& topic, int32_t partitions, int n) {
  ASSERT_TRUE(f.client.CreateTopic(topic, partitions).ok());
  for (int i = 0; i < n; ++i) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"k\":\"k", i % 7, "\",\"v\":", i, ",\"ts\":", i, "}");
    ASSERT_TRUE(f.client.AppendTo(topic, i % partitions, std::move(r)).ok());
  }
}

// 4 sources -> REBALANCE -> 4 x (map, key_by) -> HASH -> 4 windows -> sink:
// 13 tasks.
std::string WideJob(const std::string& topic, const std::string& out) {
  return absl::StrCat(R"({"version": 1, "name": "wide", )", kSchema, R"(,
    "nodes": [
      {"uid": "src", "operator": "broker_source", "parallelism": 4,
       "config": {"topic": ")", topic, R"(", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "double", "operator": "map", "parallelism": 4,
       "config": {"fields": [{"name": "k", "expr": "k"}, {"name": "v", "expr": "v * 2"},
                             {"name": "ts", "expr": "ts"}]}},
      {"uid": "by-k", "operator": "key_by", "parallelism": 4, "config": {"key": ["k"]}},
      {"uid": "win", "operator": "window_aggregate", "parallelism": 4, "config": {
        "window": {"type": "tumbling", "size_ms": 1000}, "key": ["k"],
        "aggregates": [{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": ")", out, R"("}}],
    "edges": [{"from": "src", "to": "double", "partitioning": "REBALANCE"},
              {"from": "double", "to": "by-k"}, {"from": "by-k", "to": "win"},
              {"from": "win", "to": "out"}]})");
}

// Runs WideJob over 4000 records on `workers` workers; the sorted output.
std::vector<std::string> RunWide(int workers) {
  TaskScheduler scheduler(Workers(workers));
  JobFixture f;
  f.scheduler = &scheduler;
  Fill(f, "in", 4, 4000);
  EXPECT_TRUE(f.client.CreateTopic("out", 1).ok());
  EXPECT_TRUE(f.Start(WideJob("in", "out"), nullptr, 16, 2).ok());
  EXPECT_EQ(f.runner->Wait(), RunState::kFinished) << f.runner->status();
  EXPECT_EQ(f.runner->Tasks().size(), 13u);
  std::vector<std::string> out = f.Values("out");
  std::sort(out.begin(), out.end());
  f.runner.reset();  // before the scheduler
  return out;
}

TEST(SchedulerJobTest, MoreTasksThanWorkersGiveTheSameResultsOnAnyPoolSize) {
  const std::vector<std::string> one = RunWide(1);
  // 7 keys x 4 windows of 1000 ms; every record counted once, v doubled.
  ASSERT_EQ(one.size(), 28u);
  int64_t n = 0, s = 0, expected_s = 0;
  for (int i = 0; i < 4000; ++i) expected_s += 2 * i;
  for (const std::string& v : one) {
    n += std::stoll(v.substr(v.find("\"n\":") + 4));
    s += std::stoll(v.substr(v.find("\"s\":") + 4));
  }
  EXPECT_EQ(n, 4000);
  EXPECT_EQ(s, expected_s);
  EXPECT_EQ(RunWide(2), one);
  EXPECT_EQ(RunWide(8), one);
}

TEST(SchedulerJobTest, TwoJobsOfThirteenAndThreeTasksBothFinishOnOneWorker) {
  TaskScheduler scheduler(Workers(1));
  JobFixture wide, small;
  wide.scheduler = &scheduler;
  small.scheduler = &scheduler;
  Fill(wide, "in", 4, 2000);
  ASSERT_TRUE(wide.client.CreateTopic("out", 1).ok());
  Fill(small, "in", 1, 500);
  ASSERT_TRUE(small.client.CreateTopic("out", 1).ok());
  const std::string small_job = absl::StrCat(R"({"version": 1, "name": "small", )", kSchema, R"(,
    "nodes": [
      {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e", "bounded": true}},
      {"uid": "double", "operator": "map", "config": {"fields": [{"name": "v", "expr": "v * 2"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "double", "partitioning": "REBALANCE"},
              {"from": "double", "to": "out", "partitioning": "REBALANCE"}]})");
  ASSERT_TRUE(wide.Start(WideJob("in", "out"), nullptr, 4, 1).ok());
  ASSERT_TRUE(small.Start(small_job, nullptr, 4, 1).ok());
  EXPECT_EQ(small.runner->Wait(), RunState::kFinished) << small.runner->status();
  EXPECT_EQ(wide.runner->Wait(), RunState::kFinished) << wide.runner->status();
  EXPECT_EQ(small.Values("out").size(), 500u);
  EXPECT_EQ(wide.Values("out").size(), 14u);  // 7 keys x 2 windows
  EXPECT_EQ(wide.Metric("win").records_in, 2000);
  EXPECT_EQ(scheduler.live_tasks(), 0);
  wide.runner.reset();
  small.runner.reset();
}

std::string SlowJob(int source_parallelism, bool bounded) {
  return absl::StrCat(R"({"version": 1, "name": "slow", )", kSchema, R"(,
    "nodes": [
      {"uid": "src", "operator": "broker_source", "parallelism": )", source_parallelism, R"(,
       "config": {"topic": "in", "schema": "e", "bounded": )", bounded ? "true" : "false", R"(}},
      {"uid": "double", "operator": "map", "parallelism": )", source_parallelism, R"(,
       "config": {"fields": [{"name": "v", "expr": "v * 2"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "double"},
              {"from": "double", "to": "out", "partitioning": "REBALANCE"}]})");
}

void ExpectDoubledOnce(JobFixture& f, int n) {
  const std::vector<std::string> out = f.Values("out");
  ASSERT_EQ(out.size(), static_cast<size_t>(n));
  std::set<int64_t> vs;
  for (const std::string& v : out) vs.insert(std::stoll(v.substr(v.find("\"v\":") + 4)));
  ASSERT_EQ(vs.size(), static_cast<size_t>(n));
  EXPECT_EQ(*vs.begin(), 0);
  EXPECT_EQ(*vs.rbegin(), 2 * (n - 1));
}

TEST(SchedulerJobTest, SlowSinkOnOneWorkerBoundsQueuesAndSlowsTheSource) {
  TaskScheduler scheduler(Workers(1));
  JobFixture f;
  f.scheduler = &scheduler;
  constexpr int kRecords = 3000;
  Fill(f, "in", 1, kRecords);
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  SlowAppendClient slow(&f.client, absl::Milliseconds(2));
  auto g = graph::ParseAndValidateJobGraph(SlowJob(1, true));
  ASSERT_TRUE(g.ok()) << g.status();
  f.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  runtime::RuntimeOptions o;
  o.client = &slow;
  o.state_dir = f.dir.path();
  o.source_batch_records = 10;
  o.channel_capacity = 4;
  o.scheduler = &scheduler;
  auto runner = runtime::JobRunner::Start(f.graph, o, operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  f.runner = std::move(*runner);
  // The source's unit of work (one Poll) emits a batch and a watermark
  // before it sees the full queue: capacity - 1 + 2 elements at most
  // (task.h), of which at most capacity batches; plus one in the sink.
  constexpr int64_t kBound = (4 + 1) * 10;
  int64_t max_in_flight = 0;
  int samples = 0;
  while (f.runner->state() == RunState::kRunning) {
    const int64_t read = f.Metric("src").records_out;
    const int64_t written = f.Metric("out").records_in;
    max_in_flight = std::max(max_in_flight, read - written);
    ++samples;
    absl::SleepFor(absl::Milliseconds(1));
  }
  ASSERT_EQ(f.runner->Wait(), RunState::kFinished) << f.runner->status();
  EXPECT_GT(samples, 50);
  EXPECT_LE(max_in_flight, kBound);
  const std::vector<size_t> high = f.runner->InputHighWater();
  ASSERT_EQ(high.size(), 2u);  // source chain, sink
  EXPECT_EQ(high[0], 0u);
  EXPECT_GE(high[1], 4u);      // the queue did fill up
  EXPECT_LE(high[1], 4u + 1);  // capacity - 1 + 2
  // The source chain waited for output space most of the time.
  EXPECT_GT(f.Metric("double").backpressure, 0.3);
  ExpectDoubledOnce(f, kRecords);
  f.runner.reset();
}

TEST(SchedulerJobTest, CheckpointsCompleteUnderBackpressureOnOneAndTwoWorkers) {
  constexpr int kRecords = 6000;
  for (int workers : {1, 2}) {
    SCOPED_TRACE(workers);
    TaskScheduler scheduler(Workers(workers));
    JobFixture f;
    // Long enough (about 0.6 s of sink time) that checkpoints complete while
    // records still flow even when fsyncs are slow on a loaded machine: a
    // checkpoint still in flight when the first task finishes is aborted.
    Fill(f, "in", 2, kRecords);
    ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
    SlowAppendClient slow(&f.client, absl::Milliseconds(1));
    auto g = graph::ParseAndValidateJobGraph(SlowJob(2, true));
    ASSERT_TRUE(g.ok()) << g.status();
    f.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
    runtime::RuntimeOptions o;
    o.client = &slow;
    o.state_dir = JoinPath(f.dir.path(), "state");
    o.source_batch_records = 10;
    o.channel_capacity = 2;
    o.checkpoint.dir = JoinPath(f.dir.path(), "checkpoints");
    o.checkpoint.interval_ms = 30;
    o.checkpoint.timeout_ms = 10'000;
    o.scheduler = &scheduler;
    auto runner = runtime::JobRunner::Start(f.graph, o, operators::CreateOperator);
    ASSERT_TRUE(runner.ok()) << runner.status();
    f.runner = std::move(*runner);
    ASSERT_EQ(f.runner->Wait(), RunState::kFinished) << f.runner->status();
    int completed = 0;
    std::string history;
    for (const runtime::CheckpointStats& s : f.runner->coordinator()->History()) {
      completed += s.state == runtime::CheckpointState::kCompleted;
      absl::StrAppend(&history, " #", s.id, ":", static_cast<int>(s.state), " ", s.failure, ";");
    }
    EXPECT_GE(completed, 2) << history;  // two senders into the sink: aligned barriers
    ExpectDoubledOnce(f, kRecords);
    f.runner.reset();
  }
}

TEST(SchedulerJobTest, CancelStopsTasksWaitingForOutputSpace) {
  TaskScheduler scheduler(Workers(1));
  JobFixture f;
  Fill(f, "in", 1, 5000);
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  SlowAppendClient slow(&f.client, absl::Milliseconds(20));
  auto g = graph::ParseAndValidateJobGraph(SlowJob(1, false));  // unbounded
  ASSERT_TRUE(g.ok()) << g.status();
  f.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  runtime::RuntimeOptions o;
  o.client = &slow;
  o.state_dir = f.dir.path();
  o.source_batch_records = 10;
  o.channel_capacity = 1;
  o.scheduler = &scheduler;
  auto runner = runtime::JobRunner::Start(f.graph, o, operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  f.runner = std::move(*runner);
  // Until the source task has waited for output space (the sink is slow).
  for (int i = 0;; ++i) {
    ASSERT_LT(i, 10'000) << "the source never waited for output";
    if (f.runner->Tasks()[0].backpressured_ns > 0) break;
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(scheduler.live_tasks(), 2);
  f.runner->Cancel();
  EXPECT_EQ(f.runner->Wait(), RunState::kCanceled);
  EXPECT_TRUE(f.runner->status().ok()) << f.runner->status();
  EXPECT_EQ(scheduler.live_tasks(), 0);
  EXPECT_LT(f.Values("out").size(), 5000u);  // stopped early, not drained
  f.runner.reset();
}

// Collects what a source emits.
class CollectingOutput : public runtime::Output {
 public:
  absl::Status Emit(std::unique_ptr<runtime::Batch> batch) override {
    records += static_cast<int64_t>(batch->size());
    return absl::OkStatus();
  }
  absl::Status EmitSide(const std::string&, std::unique_ptr<runtime::Batch>) override {
    return absl::OkStatus();
  }
  absl::Status EmitWatermark(int64_t) override { return absl::OkStatus(); }
  absl::Status EmitIdle() override { return absl::OkStatus(); }
  int64_t records = 0;
};

TEST(SchedulerJobTest, AnIdleBrokerSourceAsksToBePolledLaterInsteadOfWaiting) {
  io::MemoryPartitionClient client;
  ASSERT_TRUE(client.CreateTopic("in", 2).ok());
  ASSERT_TRUE(client.CreateTopic("out", 1).ok());
  auto g = graph::ParseAndValidateJobGraph(SlowJob(1, false));
  ASSERT_TRUE(g.ok()) << g.status();
  auto op = operators::CreateOperator(*g, 0);
  ASSERT_TRUE(op.ok()) << op.status();
  auto* source = dynamic_cast<runtime::SourceOperator*>(op->get());
  ASSERT_NE(source, nullptr);
  FakeClock clock;
  runtime::OperatorMetrics metrics;
  runtime::OperatorContext ctx;
  ctx.uid = "src";
  ctx.client = &client;
  ctx.clock = &clock;
  ctx.metrics = &metrics;
  ctx.source_batch_records = 10;
  ASSERT_TRUE(source->Open(ctx).ok());
  CollectingOutput out;
  // Nothing to read: each Poll returns at once (MemoryPartitionClient would
  // long-poll if asked to wait) and the delay backs off up to 20 ms.
  std::vector<int64_t> delays;
  for (int i = 0; i < 7; ++i) {
    auto more = source->Poll(&out);
    ASSERT_TRUE(more.ok()) << more.status();
    EXPECT_TRUE(*more);
    delays.push_back(source->NextPollDelayMs());
  }
  EXPECT_THAT(delays, ::testing::ElementsAre(1, 2, 4, 8, 16, 20, 20));
  io::ClientRecord r;
  r.value = R"({"k":"a","v":1,"ts":5})";
  ASSERT_TRUE(client.AppendTo("in", 1, std::move(r)).ok());
  auto more = source->Poll(&out);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_EQ(out.records, 1);
  EXPECT_EQ(source->NextPollDelayMs(), 0);  // data: poll again at once
}

}  // namespace
}  // namespace rtai::engine
