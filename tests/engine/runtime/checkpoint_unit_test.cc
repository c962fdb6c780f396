// Unit tests of the checkpoint building blocks: InputGate (alignment
// blocking), snapshot codec, manifest encoding and verification, storage
// (retention, fallback), and the coordinator driven by a FakeClock.
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/file_system.h"
#include "gtest/gtest.h"
#include "engine/runtime/checkpoint_coordinator.h"
#include "engine/runtime/checkpoint_storage.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/input_gate.h"
#include "engine/runtime/snapshot_codec.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine::runtime {
namespace {

Element Wm(int sender, int64_t wm) {
  Element e;
  e.kind = ElementKind::kWatermark;
  e.sender = sender;
  e.watermark = wm;
  return e;
}

TEST(InputGateTest, PopsInArrivalOrderAndSkipsBlockedSenders) {
  InputGate gate(2, 4);
  ASSERT_TRUE(gate.Push(Wm(0, 1)));
  ASSERT_TRUE(gate.Push(Wm(1, 2)));
  ASSERT_TRUE(gate.Push(Wm(0, 3)));
  EXPECT_EQ(gate.Pop(absl::ZeroDuration())->watermark, 1);
  gate.Block(0);
  EXPECT_EQ(gate.Pop(absl::ZeroDuration())->watermark, 2);
  EXPECT_FALSE(gate.Pop(absl::ZeroDuration()).has_value());  // only blocked data left
  gate.UnblockAll();
  EXPECT_EQ(gate.Pop(absl::ZeroDuration())->watermark, 3);
}

TEST(InputGateTest, FullBlockedSenderDoesNotStallOtherSenders) {
  InputGate gate(2, 1);
  gate.Block(0);
  ASSERT_TRUE(gate.Push(Wm(0, 1)));
  Element extra = Wm(0, 2);
  EXPECT_FALSE(gate.TryPush(extra));  // sender 0 is full (and blocked)
  // Sender 1 still flows, though sender 0 is full and blocked: no deadlock.
  std::thread t([&gate] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(gate.Push(Wm(1, 10 + i)));
  });
  for (int i = 0; i < 100; ++i) {
    std::optional<Element> e = gate.Pop(absl::Seconds(10));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->sender, 1);
  }
  t.join();
  gate.UnblockAll();
  EXPECT_EQ(gate.Pop(absl::ZeroDuration())->watermark, 1);
}

TEST(InputGateTest, WakeAndCloseEndAWait) {
  InputGate gate(1, 1);
  gate.Wake();
  EXPECT_FALSE(gate.Pop(absl::Seconds(10)).has_value());
  gate.Close();
  EXPECT_FALSE(gate.Pop(absl::Seconds(10)).has_value());
  EXPECT_TRUE(gate.closed());
  EXPECT_FALSE(gate.Push(Wm(0, 1)));
}

TEST(SnapshotCodecTest, RoundTripsAndRejectsEveryCorruption) {
  SnapshotWriter w(SnapshotTag::kWindowOperator, 1);
  w.I64(-5);
  w.Bytes("key");
  w.Val(Value::String("s"));
  w.Val(Value::Double(1.5));
  w.Val(Value::Null(TypeId::kInt64));
  w.U32(7);
  const std::string bytes = w.Finish();
  auto r = SnapshotReader::Open(bytes, SnapshotTag::kWindowOperator, 1);
  ASSERT_TRUE(r.ok()) << r.status();
  int64_t i = 0;
  std::string_view s;
  Value a, b, c;
  uint32_t u = 0;
  ASSERT_TRUE(r->I64(&i).ok());
  ASSERT_TRUE(r->Bytes(&s, 10).ok());
  ASSERT_TRUE(r->Val(&a).ok());
  ASSERT_TRUE(r->Val(&b).ok());
  ASSERT_TRUE(r->Val(&c).ok());
  ASSERT_TRUE(r->U32(&u).ok());
  EXPECT_TRUE(r->Done().ok());
  EXPECT_EQ(i, -5);
  EXPECT_EQ(s, "key");
  EXPECT_EQ(a, Value::String("s"));
  EXPECT_EQ(b, Value::Double(1.5));
  EXPECT_TRUE(c.is_null());
  EXPECT_EQ(u, 7u);
  EXPECT_FALSE(SnapshotReader::Open(bytes, SnapshotTag::kBrokerSource, 1).ok());  // wrong tag
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(SnapshotReader::Open(bytes.substr(0, n), SnapshotTag::kWindowOperator, 1).ok());
    std::string flipped = bytes;
    flipped[n] ^= 0x20;
    EXPECT_FALSE(SnapshotReader::Open(flipped, SnapshotTag::kWindowOperator, 1).ok()) << n;
  }
}

CheckpointManifest SampleManifest(int64_t id) {
  CheckpointManifest m;
  m.job_id = "job-1";
  m.checkpoint_id = id;
  m.trigger_time_ms = 100;
  m.complete_time_ms = 150;
  m.tasks.push_back({"win[0]", "win", 0, "", {}, 5, 6});
  return m;
}

TEST(CheckpointManifestTest, RoundTripsAndRejectsCorruption) {
  CheckpointManifest m = SampleManifest(3);
  m.tasks[0].db_dir = "task-win-0/db";
  m.tasks[0].db_files.push_back({"000001.sst", 42});
  m.operators.push_back({"win", "window_aggregate", 0, 1, "op-win-0.state", 9, 1234});
  const std::string bytes = EncodeManifest(m);
  auto d = DecodeManifest(bytes);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->checkpoint_id, 3);
  EXPECT_EQ(d->job_id, "job-1");
  ASSERT_EQ(d->tasks.size(), 1u);
  EXPECT_EQ(d->tasks[0].db_files[0].size, 42u);
  EXPECT_EQ(d->tasks[0].alignment_ns, 5);
  ASSERT_EQ(d->operators.size(), 1u);
  EXPECT_EQ(d->operators[0].crc32c, 1234u);
  for (size_t n = 0; n < bytes.size(); n += 3) {
    EXPECT_FALSE(DecodeManifest(bytes.substr(0, n)).ok());
    std::string flipped = bytes;
    flipped[n] ^= 0x01;
    EXPECT_EQ(DecodeManifest(flipped).status().code(), absl::StatusCode::kDataLoss) << n;
  }
  // A hostile manifest cannot point outside the checkpoint directory.
  m.operators[0].file = "../../etc/passwd";
  EXPECT_FALSE(DecodeManifest(EncodeManifest(m)).ok());
}

// Writes a complete checkpoint chk-<id> with one operator file.
void WriteCheckpoint(const std::string& root, int64_t id, const std::string& op_bytes) {
  FileSystem* fs = DefaultFileSystem();
  const std::string dir = JoinPath(root, CheckpointDirName(id));
  ASSERT_TRUE(fs->CreateDirs(dir).ok());
  ASSERT_TRUE(fs->WriteFileAtomically(JoinPath(dir, "op-src-0.state"), op_bytes).ok());
  CheckpointManifest m = SampleManifest(id);
  m.operators.push_back({"src", "broker_source", 0, 1, "op-src-0.state", op_bytes.size(),
                         crc32c::Value(op_bytes.data(), op_bytes.size())});
  ASSERT_TRUE(WriteManifest(fs, dir, m).ok());
}

TEST(CheckpointStorageTest, FallsBackToThePreviousCheckpointWhenFilesAreCorruptOrMissing) {
  testing::TempDir tmp;
  FileSystem* fs = DefaultFileSystem();
  WriteCheckpoint(tmp.path(), 1, "one");
  WriteCheckpoint(tmp.path(), 2, "two");
  WriteCheckpoint(tmp.path(), 3, "three");
  ASSERT_TRUE(fs->CreateDirs(JoinPath(tmp.path(), "chk-4")).ok());  // in flight at the crash
  auto latest = FindLatestCheckpoint(fs, tmp.path());
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->manifest.checkpoint_id, 3);
  // Corrupt an operator file of 3 (same size, other bytes): falls back to 2.
  ASSERT_TRUE(fs->WriteFileAtomically(JoinPath(tmp.path(), "chk-3/op-src-0.state"), "thrEe").ok());
  std::vector<std::string> skipped;
  latest = FindLatestCheckpoint(fs, tmp.path(), &skipped);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->manifest.checkpoint_id, 2);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("checkpoint 3"), std::string::npos) << skipped[0];
  // A missing file of 2 and a garbled manifest of 1: nothing usable.
  ASSERT_TRUE(fs->DeleteFile(JoinPath(tmp.path(), "chk-2/op-src-0.state")).ok());
  ASSERT_TRUE(fs->WriteFileAtomically(JoinPath(tmp.path(), "chk-1/_manifest"), "garbage!").ok());
  skipped.clear();
  latest = FindLatestCheckpoint(fs, tmp.path(), &skipped);
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
  EXPECT_EQ(skipped.size(), 3u);
}

TEST(CheckpointStorageTest, RetentionKeepsTheNewestCompleteAndAnythingInFlight) {
  testing::TempDir tmp;
  FileSystem* fs = DefaultFileSystem();
  for (int id = 1; id <= 5; ++id) WriteCheckpoint(tmp.path(), id, "x");
  ASSERT_TRUE(fs->CreateDirs(JoinPath(tmp.path(), "chk-2b")).ok());  // not ours: ignored
  ASSERT_TRUE(fs->DeleteFile(JoinPath(tmp.path(), "chk-3/_manifest")).ok());  // aborted leftover
  ASSERT_TRUE(fs->CreateDirs(JoinPath(tmp.path(), "chk-6")).ok());            // in flight
  ASSERT_TRUE(ApplyRetention(fs, tmp.path(), 2).ok());
  auto ids = ListCheckpointIds(fs, tmp.path());
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<int64_t>{4, 5, 6}));
  ASSERT_TRUE(DeleteCheckpointsAfter(fs, tmp.path(), 4).ok());
  EXPECT_EQ(*ListCheckpointIds(fs, tmp.path()), (std::vector<int64_t>{4}));
}

TaskAck AckOf(int task, int64_t id, const std::string& bytes) {
  TaskAck a;
  a.task = task;
  a.checkpoint_id = id;
  a.state.name = absl::StrCat("t[", task, "]");
  a.state.alignment_ns = 3'000'000 * (task + 1);
  OperatorStateEntry e;
  e.uid = absl::StrCat("op", task);
  e.op = "map";
  a.ops.emplace_back(e, bytes);
  return a;
}

struct CoordinatorFixture {
  FakeClock clock;
  testing::TempDir tmp;
  metrics::Registry registry;
  EngineMetrics engine_metrics{&registry};
  std::unique_ptr<CheckpointCoordinator> c;
  explicit CoordinatorFixture(int tasks, int retain = 2, int64_t timeout_ms = 5000) {
    CheckpointOptions o;
    o.metrics = &engine_metrics;
    o.dir = tmp.path();
    o.job_id = "job-1";
    o.interval_ms = 1000;
    o.timeout_ms = timeout_ms;
    o.retain = retain;
    o.num_tasks = tasks;
    o.clock = &clock;
    c = std::make_unique<CheckpointCoordinator>(o);
  }
};

TEST(CheckpointCoordinatorTest, TriggersAtTheIntervalCompletesWhenAllAckedAndRetains) {
  CoordinatorFixture f(2, /*retain=*/2);
  int completions = 0;
  f.c->SetOnComplete([&completions] { ++completions; });
  f.c->Tick();
  EXPECT_EQ(f.c->trigger_id(), 0);  // not before the interval
  for (int64_t id = 1; id <= 4; ++id) {
    f.clock.AdvanceMillis(1000);
    f.c->Tick();
    ASSERT_EQ(f.c->trigger_id(), id);
    f.c->Ack(AckOf(0, id, "a"));
    f.clock.AdvanceMillis(7);
    f.c->Tick();
    EXPECT_EQ(f.c->last_completed(), id - 1);  // one task still missing
    f.c->Ack(AckOf(0, id, "dup"));             // duplicates are ignored
    f.c->Ack(AckOf(1, id, "bb"));
    f.c->Tick();
    EXPECT_EQ(f.c->last_completed(), id);
  }
  EXPECT_EQ(completions, 4);
  EXPECT_EQ(*ListCheckpointIds(DefaultFileSystem(), f.tmp.path()), (std::vector<int64_t>{3, 4}));
  auto latest = FindLatestCheckpoint(DefaultFileSystem(), f.tmp.path());
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->manifest.operators.size(), 2u);
  const std::vector<CheckpointStats> h = f.c->History();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[3].state, CheckpointState::kCompleted);
  EXPECT_EQ(h[3].duration_ms, 7);
  EXPECT_EQ(h[3].alignment_ms, 6);  // the slower task's
  EXPECT_GT(h[3].size_bytes, 0u);
}

TEST(CheckpointCoordinatorTest, TimeoutAbortsCleanlyAndTheNextOneCompletes) {
  CoordinatorFixture f(2, 3, /*timeout_ms=*/1500);
  f.clock.AdvanceMillis(1000);
  f.c->Tick();
  ASSERT_EQ(f.c->trigger_id(), 1);
  f.c->Ack(AckOf(0, 1, "a"));  // task 1 never acks
  f.clock.AdvanceMillis(1501);
  f.c->Tick();
  std::vector<CheckpointStats> h = f.c->History();
  ASSERT_EQ(h.size(), 2u);  // 1 aborted, 2 triggered at once (interval passed, no min pause)
  EXPECT_EQ(h[1].state, CheckpointState::kInProgress);
  EXPECT_EQ(h[0].state, CheckpointState::kAborted);
  EXPECT_NE(h[0].failure.find("timed out"), std::string::npos) << h[0].failure;
  EXPECT_FALSE(DefaultFileSystem()->Exists(JoinPath(f.tmp.path(), "chk-1")));
  EXPECT_EQ(f.c->Await(1, absl::ZeroDuration()).status().code(), absl::StatusCode::kAborted);
  // A late ack of the aborted one changes nothing; checkpoint 2 completes.
  f.c->Ack(AckOf(1, 1, "late"));
  f.c->Tick();
  ASSERT_EQ(f.c->trigger_id(), 2);
  f.c->Ack(AckOf(0, 2, "a"));
  f.c->Ack(AckOf(1, 2, "b"));
  f.c->Tick();
  EXPECT_EQ(f.c->last_completed(), 2);
  auto s = f.c->Await(2, absl::ZeroDuration());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->state, CheckpointState::kCompleted);
  // Both outcomes reached the engine metrics (Prometheus series, dashboard).
  const std::vector<CheckpointRecord> r = f.engine_metrics.RecentCheckpoints("job-1");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0].completed);
  EXPECT_NE(r[0].error.find("timed out"), std::string::npos);
  EXPECT_TRUE(r[1].completed);
  EXPECT_EQ(r[1].checkpoint_id, 2);
  EXPECT_GT(r[1].size_bytes, 0);
}

TEST(CheckpointCoordinatorTest, DeclineAndFinishedTasksAbortAndManualTriggerWorks) {
  CoordinatorFixture f(1);
  auto id = f.c->TriggerNow(/*savepoint=*/true);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(f.c->TriggerNow(true).status().code(), absl::StatusCode::kUnavailable);
  f.c->Decline(*id, absl::InternalError("disk on fire"));
  f.c->Tick();
  EXPECT_EQ(f.c->History().back().state, CheckpointState::kAborted);
  EXPECT_EQ(f.c->History().back().failure, "disk on fire");
  auto id2 = f.c->TriggerNow(false);
  ASSERT_TRUE(id2.ok());
  f.c->TaskFinished();
  f.c->Tick();
  EXPECT_EQ(f.c->History().back().state, CheckpointState::kAborted);
  EXPECT_EQ(f.c->TriggerNow(false).status().code(), absl::StatusCode::kUnavailable);
  f.clock.AdvanceMillis(10'000);
  f.c->Tick();
  EXPECT_EQ(f.c->trigger_id(), *id2);  // no more periodic triggers
}

}  // namespace
}  // namespace rtai::engine::runtime
