// The interval join with both sides' buffers in RocksDB: results match a
// brute-force join, buffers are dropped once the watermark passes them, a
// RocksDB checkpoint plus the scalar snapshot continues like an
// uninterrupted run, and a version-1 snapshot's buffers are imported. The
// brute-force and restore tests run with the in-memory write-back tier off
// (every row in RocksDB), tiny (constant spills) and at its default.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/random.h"
#include "engine/operators/interval_join_operator.h"
#include "engine/runtime/snapshot_codec.h"
#include "gtest/gtest.h"
#include "tests/engine/operators/operator_state_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine {
namespace {

using testing_util::OpHarness;

constexpr char kJob[] = R"({"version": 1, "name": "join",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "nodes": [
      {"uid": "l", "operator": "broker_source",
       "config": {"topic": "in", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "r", "operator": "broker_source",
       "config": {"topic": "in2", "schema": "e", "event_time": "ts", "bounded": true}},
      {"uid": "j", "operator": "interval_join", "config": {
        "left_key": ["k"], "right_key": ["k"], "lower_bound_ms": -20, "upper_bound_ms": 35,
        "left_prefix": "l_", "right_prefix": "r_"}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "l", "to": "j"}, {"from": "r", "to": "j"}, {"from": "j", "to": "out"}]})";

struct Rec {
  int side;
  std::string k;
  int64_t v;
  int64_t ts;
};

std::vector<Rec> Records(int n) {
  Random rng(5);
  std::vector<Rec> out;
  for (int i = 0; i < n; ++i) {
    // Keys with a null-free mix; timestamps mostly rising, some behind.
    const int64_t ts = i * 2 + static_cast<int64_t>(rng.Uniform(40));
    out.push_back({static_cast<int>(rng.Uniform(2)), absl::StrCat("k", rng.Uniform(15)), i, ts});
  }
  return out;
}

constexpr size_t kTinyTierBytes = 1024;
constexpr size_t kDefaultTierBytes = operators::IntervalJoinTierOptions().memory_bytes;

operators::IntervalJoinOperator* Join(OpHarness* h) {
  auto* op = dynamic_cast<operators::IntervalJoinOperator*>(h->op.get());
  CHECK(op != nullptr);
  return op;
}

void StartJoin(OpHarness* h, const std::string& db, size_t tier_bytes) {
  h->Start(kJob, 2, db);
  Join(h)->SetTierOptions({tier_bytes});
}

// Feeds recs[from, to); after every record the tier is within its bound,
// and its largest size is kept in *max_tier_bytes (if given).
void Feed(OpHarness* h, const std::vector<Rec>& recs, size_t from, size_t to, int64_t* wm,
          size_t* max_tier_bytes = nullptr) {
  const operators::JoinRowTier& tier = Join(h)->tier();
  for (size_t i = from; i < to; ++i) {
    const Rec& r = recs[i];
    auto b = std::make_unique<runtime::Batch>(h->InputSchema(r.side));
    Value row[] = {Value::String(r.k), Value::Int64(r.v), Value::Timestamp(r.ts)};
    b->AppendRowCopy(row, r.ts);
    ASSERT_TRUE(h->op->ProcessBatch(r.side, std::move(b), &h->out).ok());
    ASSERT_LE(tier.bytes(), tier.bound_bytes());
    if (max_tier_bytes != nullptr) *max_tier_bytes = std::max(*max_tier_bytes, tier.bytes());
    if (i % 5 == 4) {
      *wm = std::max(*wm, r.ts - 45);
      ASSERT_TRUE(h->op->ProcessWatermark(*wm, &h->out).ok());
    }
  }
}

std::string JoinRow(const Rec& l, const Rec& r) {
  return absl::StrCat(std::max(l.ts, r.ts), "|\"", l.k, "\"|", l.v, "|ts:", l.ts, "|\"", r.k,
                      "\"|", r.v, "|ts:", r.ts);
}

class IntervalJoinTierTest : public ::testing::TestWithParam<size_t> {};

INSTANTIATE_TEST_SUITE_P(TierBytes, IntervalJoinTierTest,
                         ::testing::Values(size_t{0}, kTinyTierBytes, kDefaultTierBytes));

TEST_P(IntervalJoinTierTest, MatchesABruteForceJoinAndCleansUpItsRocksDbBuffers) {
  const std::vector<Rec> recs = Records(2000);
  ::rtai::testing::TempDir dir;
  OpHarness h;
  StartJoin(&h, dir.path() + "/db", GetParam());
  int64_t wm = runtime::kMinWatermark;
  Feed(&h, recs, 0, recs.size(), &wm);
  if (GetParam() == kDefaultTierBytes) {
    EXPECT_EQ(*h.backend->CountRawEntries("j"), 2u);  // all in the tier: metadata only
    EXPECT_GT(Join(&h)->tier().rows(), 20u);
  } else {
    EXPECT_GT(*h.backend->CountRawEntries("j"), 20u);  // buffered lists in RocksDB
  }
  // Brute force with the same lateness rule: a record behind the watermark
  // at its arrival is dropped.
  std::vector<std::string> expected;
  std::vector<bool> kept(recs.size());
  int64_t w = runtime::kMinWatermark;
  for (size_t i = 0; i < recs.size(); ++i) {
    kept[i] = recs[i].ts >= w;
    if (i % 5 == 4) w = std::max(w, recs[i].ts - 45);
  }
  for (size_t i = 0; i < recs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!kept[i] || !kept[j] || recs[i].side == recs[j].side || recs[i].k != recs[j].k) continue;
      const Rec& l = recs[i].side == 0 ? recs[i] : recs[j];
      const Rec& r = recs[i].side == 0 ? recs[j] : recs[i];
      if (r.ts >= l.ts - 20 && r.ts <= l.ts + 35) expected.push_back(JoinRow(l, r));
    }
  }
  std::vector<std::string> got = h.out.rows;
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  ASSERT_GT(expected.size(), 500u);
  EXPECT_EQ(got, expected);
  ASSERT_TRUE(h.op->ProcessWatermark(runtime::kMaxWatermark, &h.out).ok());
  EXPECT_EQ(*h.backend->CountRawEntries("j"), 2u);  // metadata only
  EXPECT_EQ(Join(&h)->tier().rows(), 0u);
  EXPECT_EQ(Join(&h)->tier().bytes(), 0u);
}

TEST_P(IntervalJoinTierTest, RocksDbCheckpointPlusSnapshotContinuesLikeAnUninterruptedRun) {
  const std::vector<Rec> recs = Records(1500);
  ::rtai::testing::TempDir dir;
  OpHarness a;
  StartJoin(&a, dir.path() + "/a", GetParam());
  int64_t wm = runtime::kMinWatermark;
  Feed(&a, recs, 0, 700, &wm);
  auto snapshot = a.op->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_LT(snapshot->size(), 64u);
  ASSERT_TRUE(a.backend->CreateCheckpoint(dir.path() + "/cp").ok());
  const size_t cut = a.out.rows.size();
  const int64_t wm_at_cut = wm;
  Feed(&a, recs, 700, recs.size(), &wm);
  OpHarness b;
  StartJoin(&b, dir.path() + "/cp", GetParam());
  ASSERT_TRUE(b.op->RestoreState(*snapshot).ok());
  int64_t wm_b = wm_at_cut;
  Feed(&b, recs, 700, recs.size(), &wm_b);
  ASSERT_GT(a.out.rows.size(), cut + 100);
  EXPECT_EQ(b.out.rows, std::vector<std::string>(a.out.rows.begin() + cut, a.out.rows.end()));
}

TEST(IntervalJoinStateTest, TierStaysWithinItsBoundAndEveryTierSizeGivesTheSameOutput) {
  const std::vector<Rec> recs = Records(2000);
  ::rtai::testing::TempDir dir;
  std::vector<std::string> reference;
  for (size_t bound : {size_t{0}, kTinyTierBytes, size_t{4096}, kDefaultTierBytes}) {
    SCOPED_TRACE(bound);
    OpHarness h;
    StartJoin(&h, absl::StrCat(dir.path(), "/", bound), bound);
    int64_t wm = runtime::kMinWatermark;
    size_t max_bytes = 0;
    Feed(&h, recs, 0, recs.size(), &wm, &max_bytes);
    EXPECT_LE(max_bytes, bound);
    if (bound == kDefaultTierBytes) {
      EXPECT_GT(max_bytes, 0u);  // everything fits
    } else if (bound != 0) {
      EXPECT_GT(max_bytes, bound / 4);                  // the tier is used
      EXPECT_GT(*h.backend->CountRawEntries("j"), 2u);  // and spilled
    }
    if (bound == 0) reference = h.out.rows;
    EXPECT_EQ(h.out.rows, reference);  // same rows, same order
    ASSERT_TRUE(h.op->ProcessWatermark(runtime::kMaxWatermark, &h.out).ok());
    EXPECT_EQ(*h.backend->CountRawEntries("j"), 2u);
  }
  ASSERT_GT(reference.size(), 500u);
}

TEST(IntervalJoinStateTest, RowsSplitBetweenRocksDbAndTheTierMatchInArrivalOrder) {
  // 40 right rows of one key and time, spilled part by part by a small tier:
  // a left row then matches them in arrival order, whatever the tier size.
  std::vector<Rec> recs;
  for (int v = 0; v < 40; ++v) recs.push_back({1, "k", v, v % 3 == 0 ? 90 : 100});
  recs.push_back({0, "k", 1000, 100});
  std::vector<std::string> expected;
  for (int t : {90, 100}) {
    for (int v = 0; v < 40; ++v) {
      if ((v % 3 == 0 ? 90 : 100) == t) expected.push_back(JoinRow(recs.back(), recs[v]));
    }
  }
  ::rtai::testing::TempDir dir;
  for (size_t bound : {size_t{0}, size_t{400}, kDefaultTierBytes}) {
    SCOPED_TRACE(bound);
    OpHarness h;
    StartJoin(&h, absl::StrCat(dir.path(), "/", bound), bound);
    int64_t wm = runtime::kMinWatermark;
    Feed(&h, recs, 0, recs.size(), &wm);
    EXPECT_EQ(h.out.rows, expected);
    if (bound == 400) EXPECT_GT(Join(&h)->tier().rows(), 0u);  // split: some still in memory
  }
}

TEST(IntervalJoinStateTest, CheckpointWithRowsOnlyInTheTierRestoresExactly) {
  const std::vector<Rec> recs = Records(1500);
  ::rtai::testing::TempDir dir;
  OpHarness a;
  StartJoin(&a, dir.path() + "/a", kDefaultTierBytes);
  int64_t wm = runtime::kMinWatermark;
  Feed(&a, recs, 0, 700, &wm);
  ASSERT_EQ(*a.backend->CountRawEntries("j"), 2u);  // rows only in the tier
  ASSERT_GT(Join(&a)->tier().rows(), 20u);
  auto snapshot = a.op->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(Join(&a)->tier().rows(), 0u);  // flushed into RocksDB
  EXPECT_EQ(Join(&a)->tier().bytes(), 0u);
  EXPECT_GT(*a.backend->CountRawEntries("j"), 20u);
  for (const char* cp : {"/cp0", "/cp1"}) {
    ASSERT_TRUE(a.backend->CreateCheckpoint(dir.path() + cp).ok());
  }
  const size_t cut = a.out.rows.size();
  const int64_t wm_at_cut = wm;
  Feed(&a, recs, 700, recs.size(), &wm);
  // The restored run, and (for the restored state alone) one with no tier.
  for (size_t bound : {kDefaultTierBytes, size_t{0}}) {
    SCOPED_TRACE(bound);
    OpHarness b;
    StartJoin(&b, dir.path() + (bound == 0 ? "/cp0" : "/cp1"), bound);
    ASSERT_TRUE(b.op->RestoreState(*snapshot).ok());
    int64_t wm_b = wm_at_cut;
    Feed(&b, recs, 700, recs.size(), &wm_b);
    ASSERT_GT(a.out.rows.size(), cut + 100);
    EXPECT_EQ(b.out.rows, std::vector<std::string>(a.out.rows.begin() + cut, a.out.rows.end()));
    ASSERT_TRUE(b.op->ProcessWatermark(runtime::kMaxWatermark, &b.out).ok());
    EXPECT_EQ(*b.backend->CountRawEntries("j"), 2u);  // restored rows cleaned up too
  }
}

TEST(IntervalJoinStateTest, VersionOneSnapshotBuffersAreImported) {
  ::rtai::testing::TempDir dir;
  OpHarness h;
  h.Start(kJob, 2, dir.path() + "/db");
  std::string key = std::string("\x03\x02", 2) + "k1";  // EncodeKey of "k1"
  runtime::SnapshotWriter w(runtime::SnapshotTag::kIntervalJoin, 1);
  w.I64(50);  // watermark
  w.I64(1);   // one key: one left row at 60, no right rows
  w.Bytes(key);
  w.I64(1);
  w.I64(60);
  w.Val(Value::String("k1"));
  w.Val(Value::Int64(7));
  w.Val(Value::Timestamp(60));
  w.I64(0);
  ASSERT_TRUE(h.op->RestoreState(w.Finish()).ok());
  Rec l{0, "k1", 7, 60}, r{1, "k1", 9, 70};
  std::vector<Rec> recs = {r, {1, "k1", 10, 40}};  // the second is late
  int64_t wm = 50;
  Feed(&h, recs, 0, recs.size(), &wm);
  EXPECT_EQ(h.out.rows, std::vector<std::string>{JoinRow(l, r)});
  EXPECT_EQ(h.metrics.records_dropped.load(), 1);
  // Corrupt version-1 content is kDataLoss.
  runtime::SnapshotWriter bad(runtime::SnapshotTag::kIntervalJoin, 1);
  bad.I64(0);
  bad.I64(int64_t{1} << 40);
  EXPECT_EQ(h.op->RestoreState(bad.Finish()).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rtai::engine
