// Checkpointed jobs in process: aligned barriers through keyed windows with
// an exactly-once (2PC) sink over in-memory transactions; simulated crashes
// (the runner destroyed at random moments, then restored from the latest
// checkpoint) leave the read_committed output equal to an uninterrupted
// run's; alignment under a slow sink completes; an unfinishable checkpoint
// times out and the job goes on.
#include <algorithm>
#include <set>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using runtime::CheckpointState;
using runtime::CheckpointStats;

// src (2 partitions, parallelism 2) -HASH-> tumbling 100 ms window per key
// (parallelism 2: each window subtask aligns two senders) -> sink `out`.
std::string KeyedWindowJob(bool bounded) {
  return absl::StrCat(R"({"version": 1, "name": "ckpt",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "watermark": {"max_out_of_orderness_ms": 0},
    "nodes": [
      {"uid": "src", "operator": "broker_source", "parallelism": 2, "config": {"topic": "in",
        "schema": "e", "event_time": "ts", "bounded": )", bounded ? "true" : "false", R"(}},
      {"uid": "win", "operator": "window_aggregate", "parallelism": 2, "config": {
        "window": {"type": "tumbling", "size_ms": 100}, "key": ["k"],
        "aggregates": [{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "win", "partitioning": "HASH", "key": ["k"]},
              {"from": "win", "to": "out"}]})");
}

void Prefill(io::MemoryPartitionClient& c, int n) {
  for (int i = 0; i < n; ++i) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"k\":\"k", i % 13, "\",\"v\":", i, ",\"ts\":", 1000 + i, "}");
    ASSERT_TRUE(c.AppendTo("in", i % 2, std::move(r)).ok());
  }
}

struct CheckpointedJob {
  io::MemoryPartitionClient client;
  ::rtai::testing::TempDir dir;
  std::shared_ptr<const graph::ValidatedGraph> graph;
  std::unique_ptr<runtime::JobRunner> runner;
  int64_t interval_ms = 20;
  int64_t timeout_ms = 5000;
  io::PartitionClient* data_client = nullptr;  // default: &client

  std::string CheckpointDir() { return JoinPath(dir.path(), "checkpoints"); }
  absl::Status Start(const std::string& json, bool restore) {
    if (graph == nullptr) {
      auto g = graph::ParseAndValidateJobGraph(json);
      if (!g.ok()) return g.status();
      graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
    }
    runtime::RuntimeOptions o;
    o.client = data_client != nullptr ? data_client : &client;
    o.txn_client = &client;
    o.exactly_once = true;
    o.job_id = "job-7";
    o.state_dir = JoinPath(dir.path(), "state");
    o.source_batch_records = 16;
    o.channel_capacity = 4;
    o.checkpoint.dir = CheckpointDir();
    o.checkpoint.interval_ms = interval_ms;
    o.checkpoint.timeout_ms = timeout_ms;
    if (restore) {
      auto latest = runtime::FindLatestCheckpoint(DefaultFileSystem(), CheckpointDir());
      if (!latest.ok()) return latest.status();
      if (latest->has_value()) {
        RETURN_IF_ERROR(runtime::DeleteCheckpointsAfter(DefaultFileSystem(), CheckpointDir(),
                                                        (*latest)->manifest.checkpoint_id));
        o.restore = std::move(*latest);
      } else {
        RETURN_IF_ERROR(runtime::DeleteCheckpointsAfter(DefaultFileSystem(), CheckpointDir(), 0));
      }
    }
    auto r = runtime::JobRunner::Start(graph, o, operators::CreateOperator);
    if (!r.ok()) return r.status();
    runner = std::move(*r);
    return absl::OkStatus();
  }
  std::vector<std::string> Committed() {
    std::vector<std::string> out;
    auto records = client.ReadAllCommitted("out", 0);
    EXPECT_TRUE(records.ok()) << records.status();
    if (records.ok()) {
      for (const auto& r : *records) out.push_back(r.value);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

void CreateTopics(io::MemoryPartitionClient& c) {
  ASSERT_TRUE(c.CreateTopic("in", 2).ok());
  ASSERT_TRUE(c.CreateTopic("out", 1).ok());
}

// Appends wait on `gate` (when set) and take `delay` each; reads take
// `read_delay` and return at most `read_limit` records.
class ThrottledClient : public io::PartitionClient {
 public:
  explicit ThrottledClient(io::MemoryPartitionClient* inner) : inner_(inner) {}
  absl::StatusOr<int32_t> PartitionCount(const std::string& t) override {
    return inner_->PartitionCount(t);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& t, int32_t p) override {
    return inner_->OffsetRange(t, p);
  }
  absl::StatusOr<io::ReadResult> ReadBatch(const std::string& t, int32_t p, int64_t o,
                                           int32_t b, int32_t w) override {
    absl::SleepFor(read_delay);  // a slow network, not a race
    auto r = inner_->ReadBatch(t, p, o, b, w);
    if (r.ok() && read_limit > 0 && r->records.size() > read_limit) {
      r->records.resize(read_limit);
      r->next_offset = r->records.back().offset + 1;
    }
    return r;
  }
  absl::Status Append(const std::string& t, std::vector<io::ClientRecord> r) override {
    if (gate != nullptr) gate->WaitForNotification();
    absl::SleepFor(delay);  // the simulated slow broker, not a race
    return inner_->Append(t, std::move(r));
  }
  absl::Notification* gate = nullptr;
  absl::Duration delay = absl::ZeroDuration();
  absl::Duration read_delay = absl::ZeroDuration();
  size_t read_limit = 0;  // records per read, 0 = no limit

 private:
  io::MemoryPartitionClient* inner_;
};

TEST(CheckpointJobTest, SimulatedCrashesLeaveCommittedOutputEqualToAnUninterruptedRun) {
  constexpr int kRecords = 20000;
  // The reference: one uninterrupted run.
  CheckpointedJob ref;
  CreateTopics(ref.client);
  Prefill(ref.client, kRecords);
  ASSERT_TRUE(ref.Start(KeyedWindowJob(true), false).ok());
  ASSERT_EQ(ref.runner->Wait(), runtime::RunState::kFinished) << ref.runner->status();
  const std::vector<std::string> expected = ref.Committed();
  ASSERT_EQ(expected.size(), 13u * (kRecords / 100));  // every (key, window) once

  CheckpointedJob job;
  CreateTopics(job.client);
  Prefill(job.client, kRecords);
  ThrottledClient slow_reads(&job.client);  // about 1 s per run: crashes land mid-run
  slow_reads.read_delay = absl::Milliseconds(1);
  slow_reads.read_limit = 20;
  job.data_client = &slow_reads;
  Random rng(42);
  int crashes = 0;
  int64_t max_completed = 0;
  ASSERT_TRUE(job.Start(KeyedWindowJob(true), false).ok());
  while (crashes < 20) {
    absl::SleepFor(absl::Milliseconds(10 + rng.Uniform(60)));
    if (job.runner->state() != runtime::RunState::kRunning) break;
    for (const CheckpointStats& s : job.runner->coordinator()->History()) {
      if (s.state == CheckpointState::kCompleted) max_completed = std::max(max_completed, s.id);
    }
    job.runner.reset();  // the crash: tasks stop wherever they are
    ++crashes;
    ASSERT_TRUE(job.Start("", true).ok());
  }
  ASSERT_EQ(job.runner->Wait(), runtime::RunState::kFinished) << job.runner->status();
  EXPECT_GE(crashes, 5);  // the run was long enough to be interrupted often
  EXPECT_GT(max_completed, 0);
  const std::vector<std::string> got = job.Committed();
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(job.client.OpenTransactions(), 0);
  // Uncommitted (aborted) output exists: the crashes really cut transactions.
  auto raw = job.client.ReadAll("out", 0);
  ASSERT_TRUE(raw.ok());
  EXPECT_GE(raw->size(), got.size());
}

// Two sources -> REBALANCE -> map (aligns 2 senders) -> slow at-least-once sink.
constexpr char kSlowJob[] = R"({"version": 1, "name": "slow",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "nodes": [
      {"uid": "src", "operator": "broker_source", "parallelism": 2,
       "config": {"topic": "in", "schema": "e", "bounded": BOUNDED}},
      {"uid": "double", "operator": "map", "config": {"fields": [{"name": "v", "expr": "v * 2"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "double", "partitioning": "REBALANCE"},
              {"from": "double", "to": "out"}]})";

std::string SlowJob(bool bounded) {
  std::string s = kSlowJob;
  s.replace(s.find("BOUNDED"), 7, bounded ? "true" : "false");
  return s;
}

absl::StatusOr<runtime::RuntimeOptions> AtLeastOnce(CheckpointedJob& j, io::PartitionClient* c) {
  runtime::RuntimeOptions o;
  o.client = c;
  o.state_dir = JoinPath(j.dir.path(), "state");
  o.source_batch_records = 10;
  o.channel_capacity = 2;
  o.checkpoint.dir = j.CheckpointDir();
  o.checkpoint.interval_ms = j.interval_ms;
  o.checkpoint.timeout_ms = j.timeout_ms;
  return o;
}

TEST(CheckpointJobTest, BarrierAlignmentUnderASlowSinkCompletes) {
  CheckpointedJob j;
  CreateTopics(j.client);
  Prefill(j.client, 2000);
  ThrottledClient slow(&j.client);
  slow.delay = absl::Milliseconds(1);
  j.interval_ms = 30;
  auto g = graph::ParseAndValidateJobGraph(SlowJob(true));
  ASSERT_TRUE(g.ok()) << g.status();
  j.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  auto o = AtLeastOnce(j, &slow);
  ASSERT_TRUE(o.ok());
  auto r = runtime::JobRunner::Start(j.graph, *o, operators::CreateOperator);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ((*r)->Wait(), runtime::RunState::kFinished) << (*r)->status();
  int completed = 0;
  for (const CheckpointStats& s : (*r)->coordinator()->History()) {
    if (s.state == CheckpointState::kCompleted) {
      ++completed;
      EXPECT_GE(s.alignment_ms, 0);
      EXPECT_GT(s.size_bytes, 0u);
    }
  }
  EXPECT_GE(completed, 2);
  EXPECT_EQ(j.client.ReadAll("out", 0)->size(), 2000u);  // nothing lost or repeated
}

TEST(CheckpointJobTest, AnUnfinishableCheckpointTimesOutAndTheJobGoesOn) {
  CheckpointedJob j;
  CreateTopics(j.client);
  Prefill(j.client, 500);
  ThrottledClient stuck(&j.client);
  absl::Notification release;
  stuck.gate = &release;  // the sink cannot write until released: barriers stall behind data
  j.interval_ms = 50;
  j.timeout_ms = 200;
  auto g = graph::ParseAndValidateJobGraph(SlowJob(false));
  ASSERT_TRUE(g.ok()) << g.status();
  j.graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  auto o = AtLeastOnce(j, &stuck);
  ASSERT_TRUE(o.ok());
  auto r = runtime::JobRunner::Start(j.graph, *o, operators::CreateOperator);
  ASSERT_TRUE(r.ok()) << r.status();
  runtime::JobRunner& runner = **r;
  auto has = [&runner](CheckpointState st) {
    for (const CheckpointStats& s : runner.coordinator()->History()) {
      if (s.state == st) return true;
    }
    return false;
  };
  for (int i = 0; i < 1000 && !has(CheckpointState::kAborted); ++i) absl::SleepFor(absl::Milliseconds(10));
  ASSERT_TRUE(has(CheckpointState::kAborted));
  EXPECT_EQ(runner.state(), runtime::RunState::kRunning);
  release.Notify();
  for (int i = 0; i < 1000 && !has(CheckpointState::kCompleted); ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_TRUE(has(CheckpointState::kCompleted));
  for (int i = 0; i < 1000 && j.client.ReadAll("out", 0)->size() < 500; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(j.client.ReadAll("out", 0)->size(), 500u);
  EXPECT_EQ(runner.state(), runtime::RunState::kRunning);
}

}  // namespace
}  // namespace rtai::engine
