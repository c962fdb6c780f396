// Operator RestoreState against corrupt and hostile snapshots: never a
// crash, always a clear error; and a restored window operator snapshots to
// the same bytes (timers, keys and sessions round trip).
#include <string>

#include "engine/runtime/snapshot_codec.h"
#include "gtest/gtest.h"
#include "state/keyed_state_backend.h"
#include "tests/testing/temp_dir.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using runtime::SnapshotTag;
using runtime::SnapshotWriter;

absl::StatusOr<std::unique_ptr<runtime::Operator>> WindowOp(
    std::shared_ptr<const graph::ValidatedGraph>* keep, const std::string& window) {
  auto g = graph::ParseAndValidateJobGraph(testing_util::WindowJob(
      window, R"([{"name": "n", "fn": "count"}])", 0, 0, true));
  if (!g.ok()) return g.status();
  *keep = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
  return operators::CreateOperator(**keep, 1);  // node 1 is the window
}

TEST(SnapshotRestoreTest, WindowOperatorRejectsCorruptAndHostileSnapshots) {
  std::shared_ptr<const graph::ValidatedGraph> g;
  auto op = WindowOp(&g, R"({"type": "session", "gap_ms": 10})");
  ASSERT_TRUE(op.ok()) << op.status();
  auto empty = (*op)->SnapshotState(1);
  ASSERT_TRUE(empty.ok());
  for (size_t i = 0; i < empty->size(); ++i) {
    std::string bad = *empty;
    bad[i] ^= 0x04;
    EXPECT_EQ((*op)->RestoreState(bad).code(), absl::StatusCode::kDataLoss) << i;
  }
  // Valid checksum, hostile content: a count far beyond the bytes.
  SnapshotWriter huge(SnapshotTag::kWindowOperator, 1);
  huge.I64(0);
  huge.I64(0);
  huge.I64(int64_t{1} << 40);
  EXPECT_EQ((*op)->RestoreState(huge.Finish()).code(), absl::StatusCode::kDataLoss);
  // A timer naming a key that has no entry.
  SnapshotWriter orphan(SnapshotTag::kWindowOperator, 1);
  orphan.I64(0);
  orphan.I64(0);
  orphan.I64(0);  // no keys
  orphan.I64(1);  // one timer
  orphan.I64(5);
  orphan.U8(0);
  orphan.Bytes("ghost");
  orphan.I64(0);
  orphan.I64(10);
  EXPECT_EQ((*op)->RestoreState(orphan.Finish()).code(), absl::StatusCode::kDataLoss);
  // Overlapping sessions of one key.
  SnapshotWriter overlap(SnapshotTag::kWindowOperator, 1);
  overlap.I64(0);
  overlap.I64(0);
  overlap.I64(1);
  overlap.Bytes("k");
  overlap.I64(1);
  overlap.Val(Value::String("a"));
  overlap.I64(2);
  overlap.I64(0);
  overlap.I64(20);
  overlap.I64(10);
  overlap.I64(30);
  overlap.I64(0);
  overlap.I64(0);
  absl::Status s = (*op)->RestoreState(overlap.Finish());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("overlap"), std::string::npos) << s;
  // Another operator's snapshot.
  SnapshotWriter other(SnapshotTag::kBrokerSource, 1);
  other.I64(0);
  EXPECT_FALSE((*op)->RestoreState(other.Finish()).ok());
}

// Since per-key state moved to RocksDB, a version-1 snapshot (keys, sessions,
// timers) is imported into the operator's RocksDB state on restore, and the
// operator snapshots only its scalars (version 2), which round trip.
// Behaviour after such an import: tests/engine/operators/window_operator_state_test.cc.
TEST(SnapshotRestoreTest, WindowOperatorSnapshotRoundTrips) {
  std::shared_ptr<const graph::ValidatedGraph> g;
  auto op = WindowOp(&g, R"({"type": "session", "gap_ms": 10})");
  ASSERT_TRUE(op.ok());
  ::rtai::testing::TempDir dir;
  state::KeyedStateOptions so;
  so.dir = dir.path() + "/db";
  auto backend = state::KeyedStateBackend::Open(so);
  ASSERT_TRUE(backend.ok());
  runtime::OperatorMetrics metrics;
  runtime::OperatorContext ctx;
  ctx.uid = "win";
  ctx.state = backend->get();
  ctx.clock = SystemClock();
  ctx.metrics = &metrics;
  ASSERT_TRUE((*op)->Open(ctx).ok());
  SnapshotWriter w(SnapshotTag::kWindowOperator, 1);
  w.I64(100);   // watermark
  w.I64(7);     // seq
  w.I64(1);     // one key
  w.Bytes("key-a");
  w.I64(1);
  w.Val(Value::String("a"));
  w.I64(2);     // two sessions
  w.I64(200);
  w.I64(215);
  w.I64(300);
  w.I64(310);
  w.I64(0);     // count
  w.I64(2);     // timers
  w.I64(214);
  w.U8(0);
  w.Bytes("key-a");
  w.I64(200);
  w.I64(215);
  w.I64(214);
  w.U8(1);
  w.Bytes("key-a");
  w.I64(200);
  w.I64(215);
  ASSERT_TRUE((*op)->RestoreState(w.Finish()).ok());
  auto again = (*op)->SnapshotState(2);
  ASSERT_TRUE(again.ok());
  // Version 3: the scalars and the timer tier, empty (the import wrote the
  // timers to RocksDB).
  SnapshotWriter v3(SnapshotTag::kWindowOperator, 3);
  v3.I64(100);
  v3.I64(7);
  v3.I64(0);
  EXPECT_EQ(*again, v3.Finish());
  SnapshotWriter v2(SnapshotTag::kWindowOperator, 2);  // still read
  v2.I64(100);
  v2.I64(7);
  ASSERT_TRUE((*op)->RestoreState(v2.Finish()).ok());
  ASSERT_TRUE((*op)->RestoreState(*again).ok());
  auto third = (*op)->SnapshotState(3);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, *again);
  // The imported timers are in RocksDB: 2 timers + sessions + metadata.
  EXPECT_GE(*(*backend)->CountRawEntries("win"), 3u);
}

}  // namespace
}  // namespace rtai::engine

namespace rtai::engine {
namespace {

// One output row of the WindowJob's window: k, window_start, window_end, n.
std::unique_ptr<runtime::Batch> Row(const Schema* schema, int64_t n) {
  auto b = std::make_unique<runtime::Batch>(schema);
  Value row[] = {Value::String("k"), Value::Timestamp(0), Value::Timestamp(10), Value::Int64(n)};
  b->AppendRowCopy(row, 9);
  return b;
}

// An exactly-once sink (node 2 of the WindowJob) over in-memory transactions.
struct SinkFixture {
  explicit SinkFixture(const std::string& job_id) {
    EXPECT_TRUE(client.CreateTopic("out", 1).ok());
    auto parsed = graph::ParseAndValidateJobGraph(testing_util::WindowJob(
        R"({"type": "tumbling", "size_ms": 10})", R"([{"name": "n", "fn": "count"}])", 0, 0,
        true));
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    g = *std::move(parsed);
    schema = g.nodes[1].output.get();
    ctx.uid = "out";
    ctx.client = &client;
    ctx.txn_client = &client;
    ctx.exactly_once = true;
    ctx.job_id = job_id;
    ctx.clock = SystemClock();
    ctx.metrics = &metrics;
  }
  io::MemoryPartitionClient client;
  graph::ValidatedGraph g;
  const Schema* schema = nullptr;
  runtime::OperatorMetrics metrics;
  runtime::OperatorContext ctx;
};

TEST(TwoPhaseCommitSinkTest, RestoreCommitsTheCheckpointedTransactionAndFencesLaterOnes) {
  SinkFixture f("job-9");
  io::MemoryPartitionClient& client = f.client;
  const graph::ValidatedGraph* g = &f.g;
  const Schema* schema = f.schema;
  const runtime::OperatorContext& ctx = f.ctx;
  auto first = operators::CreateOperator(*g, 2);  // node 2: the sink `out`
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->Open(ctx).ok());
  ASSERT_TRUE((*first)->ProcessBatch(0, Row(schema, 1), nullptr).ok());
  auto snapshot = (*first)->SnapshotState(1);  // pre-commit of checkpoint 1
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_TRUE((*first)->ProcessBatch(0, Row(schema, 2), nullptr).ok());  // transaction 2, open
  EXPECT_EQ(client.OpenTransactions(), 2);
  EXPECT_TRUE(client.ReadAllCommitted("out", 0)->empty());
  // The "crashed" incarnation is not destroyed (a SIGKILL runs no
  // destructor): its transactions stay open until the restore.
  auto second = operators::CreateOperator(*g, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->Open(ctx).ok());
  ASSERT_TRUE((*second)->RestoreState(*snapshot).ok());
  EXPECT_EQ(client.OpenTransactions(), 0);  // 1 committed, 2 fenced and aborted
  auto committed = client.ReadAllCommitted("out", 0);
  ASSERT_EQ(committed->size(), 1u);
  EXPECT_NE((*committed)[0].value.find("\"n\":1"), std::string::npos) << (*committed)[0].value;
  // The old incarnation is fenced: its writes fail.
  EXPECT_EQ((*first)->ProcessBatch(0, Row(schema, 3), nullptr).code(),
            absl::StatusCode::kFailedPrecondition);
  // The new one writes under checkpoint 2's id and commits on completion.
  ASSERT_TRUE((*second)->ProcessBatch(0, Row(schema, 4), nullptr).ok());
  ASSERT_TRUE((*second)->SnapshotState(2).ok());
  EXPECT_EQ(client.ReadAllCommitted("out", 0)->size(), 1u);  // not before completion
  ASSERT_TRUE((*second)->NotifyCheckpointComplete(2).ok());
  EXPECT_EQ(client.ReadAllCommitted("out", 0)->size(), 2u);
  // Restoring the same snapshot again is harmless (commit is idempotent).
  auto third = operators::CreateOperator(*g, 2);
  ASSERT_TRUE((*third)->Open(ctx).ok());
  EXPECT_TRUE((*third)->RestoreState(*snapshot).ok());
  EXPECT_EQ(client.ReadAllCommitted("out", 0)->size(), 2u);
}

// Checkpoints whose interval produced no output must leave no gap in the
// transactional ids: a restore probes ids upward until a never-used one,
// so a gap would hide the transactions after it, left open (holding back
// read_committed readers until their timeout). Seen in a CI run of the
// SIGKILL crash test before ids became a sink-local sequence.
TEST(TwoPhaseCommitSinkTest, CheckpointsWithoutOutputLeaveNoIdGapForFencing) {
  SinkFixture f("job-gap");
  io::MemoryPartitionClient& client = f.client;
  const graph::ValidatedGraph* g = &f.g;
  const Schema* schema = f.schema;
  const runtime::OperatorContext& ctx = f.ctx;
  auto first = operators::CreateOperator(*g, 2);
  ASSERT_TRUE(first.ok() && (*first)->Open(ctx).ok());
  ASSERT_TRUE((*first)->ProcessBatch(0, Row(schema, 1), nullptr).ok());
  auto snapshot = (*first)->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  ASSERT_TRUE((*first)->NotifyCheckpointComplete(1).ok());
  // Checkpoints 2 and 3 see no output; then a transaction opens and the
  // process dies before checkpoint 4.
  ASSERT_TRUE((*first)->SnapshotState(2).ok());
  ASSERT_TRUE((*first)->SnapshotState(3).ok());
  ASSERT_TRUE((*first)->ProcessBatch(0, Row(schema, 2), nullptr).ok());
  EXPECT_EQ(client.OpenTransactions(), 1);
  auto second = operators::CreateOperator(*g, 2);
  ASSERT_TRUE(second.ok() && (*second)->Open(ctx).ok());
  ASSERT_TRUE((*second)->RestoreState(*snapshot).ok());
  EXPECT_EQ(client.OpenTransactions(), 0);  // the open one was found and aborted
  EXPECT_EQ(client.ReadAllCommitted("out", 0)->size(), 1u);
}

}  // namespace
}  // namespace rtai::engine
