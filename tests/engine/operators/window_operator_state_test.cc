// The window operator with all per-key state in RocksDB: restoring a RocksDB
// checkpoint plus the (scalar) snapshot continues exactly like an
// uninterrupted run — timers, session sets, counts and late firing come
// back from RocksDB; a version-1 snapshot is imported; and state far larger
// than the in-memory caches (1M window keys) is handled in bounded memory.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "engine/record/key_encoding.h"
#include "engine/runtime/snapshot_codec.h"
#include "gtest/gtest.h"
#include "tests/engine/operators/operator_state_test_util.h"
#include "tests/engine/runtime/job_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine {
namespace {

using testing_util::OpHarness;

struct Ev {
  std::string k;
  int64_t v;
  int64_t ts;
};

std::vector<Ev> Events(int n, int keys, uint64_t seed) {
  Random rng(seed);
  std::vector<Ev> out;
  for (int i = 0; i < n; ++i) {
    const int64_t jitter = static_cast<int64_t>(rng.Uniform(30));
    out.push_back({absl::StrCat("k", rng.Uniform(keys)), i, i * 3 + jitter});
  }
  return out;
}

// Feeds events [from, to) in batches of 7, a watermark (max ts - 20) after each.
void Feed(OpHarness* h, const std::vector<Ev>& evs, size_t from, size_t to, int64_t* max_ts) {
  const Schema* schema = h->InputSchema(0);
  for (size_t i = from; i < to; i += 7) {
    auto b = std::make_unique<runtime::Batch>(schema);
    for (size_t j = i; j < std::min(to, i + 7); ++j) {
      Value row[] = {Value::String(evs[j].k), Value::Int64(evs[j].v), Value::Timestamp(evs[j].ts)};
      b->AppendRowCopy(row, evs[j].ts);
      *max_ts = std::max(*max_ts, evs[j].ts);
    }
    ASSERT_TRUE(h->op->ProcessBatch(0, std::move(b), &h->out).ok());
    ASSERT_TRUE(h->op->ProcessWatermark(*max_ts - 20, &h->out).ok());
  }
}

class WindowRestoreTest : public ::testing::TestWithParam<std::pair<const char*, int64_t>> {};

TEST_P(WindowRestoreTest, RocksDbCheckpointPlusSnapshotContinuesLikeAnUninterruptedRun) {
  const auto [window, lateness] = GetParam();
  const std::string job = testing_util::WindowJob(
      window, R"([{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}])", 0,
      lateness, true);
  const std::vector<Ev> evs = Events(3000, 40, 11);
  ::rtai::testing::TempDir dir;
  OpHarness a;
  a.Start(job, 1, dir.path() + "/a");
  int64_t max_ts = 0;
  Feed(&a, evs, 0, 1500, &max_ts);
  auto snapshot = a.op->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  // Scalars plus the timers still in the timer service's memory tier; the
  // rest (accumulators, sessions, counts, spilled timers) is in RocksDB.
  ASSERT_TRUE(a.backend->CreateCheckpoint(dir.path() + "/cp").ok());
  const size_t cut = a.out.rows.size();
  const size_t late_at_cut = a.out.late;
  const int64_t cut_ts = max_ts;
  Feed(&a, evs, 1500, evs.size(), &max_ts);
  ASSERT_TRUE(a.op->ProcessWatermark(runtime::kMaxWatermark, &a.out).ok());
  auto drained = a.op->SnapshotState(2);
  ASSERT_TRUE(drained.ok());
  EXPECT_LT(drained->size(), 64u);  // every timer fired: scalars only

  OpHarness b;
  b.Start(job, 1, dir.path() + "/cp");
  ASSERT_TRUE(b.op->RestoreState(*snapshot).ok());
  int64_t b_max = cut_ts;
  Feed(&b, evs, 1500, evs.size(), &b_max);
  ASSERT_TRUE(b.op->ProcessWatermark(runtime::kMaxWatermark, &b.out).ok());
  ASSERT_GT(cut, 10u);
  ASSERT_GT(a.out.rows.size(), cut + 10);
  EXPECT_EQ(b.out.rows, std::vector<std::string>(a.out.rows.begin() + cut, a.out.rows.end()));
  EXPECT_EQ(b.out.late, a.out.late - late_at_cut);
}

INSTANTIATE_TEST_SUITE_P(
    Windows, WindowRestoreTest,
    ::testing::Values(std::make_pair(R"({"type": "tumbling", "size_ms": 50})", int64_t{0}),
                      std::make_pair(R"({"type": "tumbling", "size_ms": 50})", int64_t{40}),
                      std::make_pair(R"({"type": "sliding", "size_ms": 60, "slide_ms": 20})",
                                     int64_t{15}),
                      std::make_pair(R"({"type": "session", "gap_ms": 25})", int64_t{0}),
                      std::make_pair(R"({"type": "session", "gap_ms": 25})", int64_t{30}),
                      std::make_pair(R"({"type": "count", "size": 4})", int64_t{0})));

TEST(WindowStateTest, VersionOneSnapshotSessionsAndTimersAreImportedIntoRocksDb) {
  const std::string job = testing_util::WindowJob(R"({"type": "session", "gap_ms": 10})",
                                                  R"([{"name": "n", "fn": "count"}])", 0, 0, true);
  ::rtai::testing::TempDir dir;
  OpHarness h;
  h.Start(job, 1, dir.path() + "/db");
  std::string key;
  const Value a = Value::String("a");
  EncodeKey(&a, 1, &key);
  runtime::SnapshotWriter w(runtime::SnapshotTag::kWindowOperator, 1);
  w.I64(100);  // watermark
  w.I64(7);    // seq
  w.I64(1);    // one key, one session [200, 215) and its two timers
  w.Bytes(key);
  w.I64(1);
  w.Val(a);
  w.I64(1);
  w.I64(200);
  w.I64(215);
  w.I64(0);
  w.I64(2);
  for (uint8_t cleanup : {0, 1}) {
    w.I64(214);
    w.U8(cleanup);
    w.Bytes(key);
    w.I64(200);
    w.I64(215);
  }
  ASSERT_TRUE(h.op->RestoreState(w.Finish()).ok());
  // A record at 212 joins the imported session: [200, 222), not [212, 222).
  auto b = std::make_unique<runtime::Batch>(h.InputSchema(0));
  Value row[] = {a, Value::Int64(1), Value::Timestamp(212)};
  b->AppendRowCopy(row, 212);
  ASSERT_TRUE(h.op->ProcessBatch(0, std::move(b), &h.out).ok());
  ASSERT_TRUE(h.op->ProcessWatermark(214, &h.out).ok());
  EXPECT_TRUE(h.out.rows.empty());  // the imported timer at 214 was merged away
  ASSERT_TRUE(h.op->ProcessWatermark(300, &h.out).ok());
  EXPECT_EQ(h.out.rows, std::vector<std::string>{"221|\"a\"|ts:200|ts:222|1"});
}

int64_t RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// 1M window keys (each twice) through a 4 MiB memtable and an 8 MiB block
// cache: the operator keeps nothing per key, RocksDB holds the state, memory
// stays far below what 1M in-memory keys and 2M timers took (~500 MB), and
// every window comes out with the right count.
TEST(WindowStateTest, OneMillionWindowKeysLiveInRocksDbInBoundedMemory) {
  const std::string job = testing_util::WindowJob(R"({"type": "tumbling", "size_ms": 1000})",
                                                  R"([{"name": "n", "fn": "count"}])", 0, 0, true);
  ::rtai::testing::TempDir dir;
  OpHarness h;
  h.Start(job, 1, dir.path() + "/db", 4u << 20, 8u << 20);
  constexpr int kKeys = 1'000'000;
  const int64_t rss_before = RssKb();
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < kKeys; i += 4096) {
      auto b = std::make_unique<runtime::Batch>(h.InputSchema(0));
      for (int j = i; j < std::min(kKeys, i + 4096); ++j) {
        const std::string k = absl::StrCat("key-", j);
        Value row[] = {Value::String(k), Value::Int64(j), Value::Timestamp(j % 1000)};
        b->AppendRowCopy(row, j % 1000);
      }
      ASSERT_TRUE(h.op->ProcessBatch(0, std::move(b), &h.out).ok());
    }
  }
  const int64_t rss_after = RssKb();
  std::fprintf(stderr, "RSS growth for 1M keys x 2 records: %lld KiB\n",
               static_cast<long long>(rss_after - rss_before));
  auto entries = h.backend->CountRawEntries("win");
  ASSERT_TRUE(entries.ok());
  EXPECT_GE(*entries, static_cast<size_t>(kKeys));  // accumulators (+ spilled timers)
  EXPECT_LT(rss_after - rss_before, 200 * 1024) << "RSS grew by " << (rss_after - rss_before)
                                                << " KiB";
  ASSERT_TRUE(h.op->ProcessWatermark(runtime::kMaxWatermark, &h.out).ok());
  ASSERT_EQ(h.out.rows.size(), static_cast<size_t>(kKeys));
  for (const std::string& r : h.out.rows) {
    ASSERT_TRUE(r.size() > 2 && r.substr(r.size() - 2) == "|2") << r;
  }
  EXPECT_EQ(*h.backend->CountRawEntries("win"), 2u);  // metadata only: all cleaned up
}

}  // namespace
}  // namespace rtai::engine
