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

// src (2 partitions, parallelism 2) -HASH-> `window` per key (parallelism 2:
// each window subtask aligns two senders) -> sink `out`.
std::string KeyedWindowJob(bool bounded,
                           const std::string& window = R"({"type": "tumbling", "size_ms": 100})") {
  return absl::StrCat(R"({"version": 1, "name": "ckpt",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "watermark": {"max_out_of_orderness_ms": 0},
    "nodes": [
      {"uid": "src", "operator": "broker_source", "parallelism": 2, "config": {"topic": "in",
        "schema": "e", "event_time": "ts", "bounded": )", bounded ? "true" : "false", R"(}},
      {"uid": "win", "operator": "window_aggregate", "parallelism": 2, "config": {
        "window": )", window, R"(, "key": ["k"],
        "aggregates": [{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}]}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "win", "partitioning": "HASH", "key": ["k"]},
              {"from": "win", "to": "out"}]})");
}

// Event i: key k(i % 13), time 1000 + i plus a 200 ms jump every 1000
// events (so session windows close), alternating partitions; `in2` gets the
// same keys with other values (the join's right side).
void Prefill(io::MemoryPartitionClient& c, int n) {
  for (const char* topic : {"in", "in2"}) {
    for (int i = 0; i < n; ++i) {
      io::ClientRecord r;
      const int64_t ts = 1000 + i + 200 * (i / 1000);
      r.value = absl::StrCat("{\"k\":\"k", i % 13, "\",\"v\":", topic[2] ? -i : i,
                             ",\"ts\":", ts, "}");
      ASSERT_TRUE(c.AppendTo(topic, i % 2, std::move(r)).ok());
    }
  }
}

// Interval join of `in` (left) and `in2` (right) on k, right.ts in
// [left.ts - 20, left.ts + 20].
std::string JoinJob() {
  return R"({"version": 1, "name": "join",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "nodes": [
      {"uid": "l", "operator": "broker_source", "parallelism": 2,
       "config": {"topic": "in", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "r", "operator": "broker_source", "parallelism": 2,
       "config": {"topic": "in2", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "j", "operator": "interval_join", "parallelism": 2, "config": {
        "left_key": ["k"], "right_key": ["k"], "lower_bound_ms": -20, "upper_bound_ms": 20,
        "left_prefix": "l_", "right_prefix": "r_"}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "l", "to": "j", "partitioning": "HASH", "key": ["k"]},
              {"from": "r", "to": "j", "partitioning": "HASH", "key": ["k"]},
              {"from": "j", "to": "out"}]})";
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
  ASSERT_TRUE(c.CreateTopic("in2", 2).ok());
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
    absl::SleepFor(t == slow_topic ? slow_topic_delay : read_delay);  // a slow network, not a race
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
  std::string slow_topic;  // reads of this topic take slow_topic_delay instead
  absl::Duration slow_topic_delay = absl::ZeroDuration();

 private:
  io::MemoryPartitionClient* inner_;
};

// Runs `json` once uninterrupted and once destroyed at 20 random moments
// (restored from the latest checkpoint each time); the read_committed
// outputs must be equal record for record.
void ExpectCrashesChangeNothing(const std::string& json, int records, uint64_t seed) {
  CheckpointedJob ref;
  CreateTopics(ref.client);
  Prefill(ref.client, records);
  ASSERT_TRUE(ref.Start(json, false).ok());
  ASSERT_EQ(ref.runner->Wait(), runtime::RunState::kFinished) << ref.runner->status();
  const std::vector<std::string> expected = ref.Committed();
  ASSERT_GT(expected.size(), 100u);

  CheckpointedJob job;
  CreateTopics(job.client);
  Prefill(job.client, records);
  ThrottledClient slow_reads(&job.client);  // about 1 s per run: crashes land mid-run
  slow_reads.read_delay = absl::Milliseconds(1);
  slow_reads.read_limit = 20;
  job.data_client = &slow_reads;
  Random rng(seed);
  int crashes = 0;
  int64_t max_completed = 0;
  ASSERT_TRUE(job.Start(json, false).ok());
  while (crashes < 20) {
    // Let each run complete a checkpoint (up to 2 s on a loaded machine), so
    // the job progresses, then crash at a random moment after it.
    const int64_t start_id = job.runner->coordinator()->last_completed();
    for (int i = 0; i < 200 && job.runner->coordinator()->last_completed() == start_id &&
                    job.runner->state() == runtime::RunState::kRunning;
         ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    absl::SleepFor(absl::Milliseconds(rng.Uniform(60)));
    if (job.runner->state() != runtime::RunState::kRunning) break;
    max_completed = std::max(max_completed, job.runner->coordinator()->last_completed());
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
}

TEST(CheckpointJobTest, SimulatedCrashesLeaveCommittedOutputEqualToAnUninterruptedRun) {
  ExpectCrashesChangeNothing(KeyedWindowJob(true), 20000, 42);
}

TEST(CheckpointJobTest, SimulatedCrashesWithSlidingAndSessionWindows) {
  ExpectCrashesChangeNothing(
      KeyedWindowJob(true, R"({"type": "sliding", "size_ms": 200, "slide_ms": 50})"), 12000, 7);
  ExpectCrashesChangeNothing(KeyedWindowJob(true, R"({"type": "session", "gap_ms": 50})"), 12000,
                             8);
}

TEST(CheckpointJobTest, SimulatedCrashesWithAnIntervalJoin) {
  ExpectCrashesChangeNothing(JoinJob(), 40000, 9);
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
  // Once the job stopped nothing stays in progress: the ticker's last pass
  // aborts what was in flight.
  for (int i = 0; i < 200; ++i) {
    bool in_progress = false;
    for (const CheckpointStats& s : (*r)->coordinator()->History()) {
      in_progress |= s.state == CheckpointState::kInProgress;
    }
    if (!in_progress) break;
    ASSERT_LT(i, 199) << "a checkpoint stayed in progress after the job finished";
    absl::SleepFor(absl::Milliseconds(10));
  }
}

TEST(CheckpointJobTest, AlignmentTimeIsMeasuredWhenOneInputLags) {
  CheckpointedJob j;
  CreateTopics(j.client);
  Prefill(j.client, 4000);
  ThrottledClient lagging(&j.client);
  lagging.read_limit = 20;
  // Both sides slow enough that no source finishes (which ends
  // checkpointing) for about a second; the right side four times slower.
  lagging.read_delay = absl::Milliseconds(10);
  lagging.slow_topic = "in2";  // the join's right side: its barriers come late
  lagging.slow_topic_delay = absl::Milliseconds(40);
  j.data_client = &lagging;
  j.interval_ms = 100;
  ASSERT_TRUE(j.Start(JoinJob(), false).ok());
  ASSERT_EQ(j.runner->Wait(), runtime::RunState::kFinished) << j.runner->status();
  int64_t max_alignment = 0;
  int completed = 0;
  for (const CheckpointStats& s : j.runner->coordinator()->History()) {
    if (s.state != CheckpointState::kCompleted) continue;
    ++completed;
    max_alignment = std::max(max_alignment, s.alignment_ms);
  }
  EXPECT_GE(completed, 3);
  // The left inputs waited (blocked) for the right side's barriers.
  EXPECT_GE(max_alignment, 5);
}

TEST(CheckpointJobTest, ACorruptRocksDbFileMakesRecoveryFallBack) {
  CheckpointedJob j;
  CreateTopics(j.client);
  Prefill(j.client, 4000);
  ThrottledClient slow(&j.client);
  slow.read_limit = 20;
  slow.read_delay = absl::Milliseconds(2);
  j.data_client = &slow;
  ASSERT_TRUE(j.Start(KeyedWindowJob(false), false).ok());  // unbounded: keeps checkpointing
  for (int i = 0; i < 1000 && j.runner->coordinator()->last_completed() < 3; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  j.runner.reset();
  FileSystem* fs = DefaultFileSystem();
  auto latest = runtime::FindLatestCheckpoint(fs, j.CheckpointDir());
  ASSERT_TRUE(latest.ok() && latest->has_value());
  const int64_t newest = (*latest)->manifest.checkpoint_id;
  std::string sst;
  for (const runtime::TaskStateEntry& t : (*latest)->manifest.tasks) {
    for (const runtime::StateFileEntry& f : t.db_files) {
      if (f.name.find(".sst") != std::string::npos) sst = JoinPath(JoinPath((*latest)->dir, t.db_dir), f.name);
    }
  }
  ASSERT_FALSE(sst.empty());
  // Same size, one byte different, a new inode (the old one is shared by
  // hard links with older checkpoints, which stay intact).
  auto bytes = fs->ReadFileToString(sst);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() / 3] ^= 0x10;
  ASSERT_TRUE(fs->WriteFileAtomically(sst, *bytes).ok());
  std::vector<std::string> skipped;
  auto fallback = runtime::FindLatestCheckpoint(fs, j.CheckpointDir(), &skipped);
  ASSERT_TRUE(fallback.ok() && fallback->has_value());
  EXPECT_LT((*fallback)->manifest.checkpoint_id, newest);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("does not match its checksum"), std::string::npos) << skipped[0];
  // And the job restores from it and runs.
  ASSERT_TRUE(j.Start("", true).ok());
  EXPECT_EQ(j.runner->state(), runtime::RunState::kRunning);
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
