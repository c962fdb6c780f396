// The Nexmark generator and the nexmark_source operator: the event mix,
// referential sanity, determinism, parallel subtasks covering every event
// once, and snapshot/restore resuming the identical stream.
#include "engine/operators/nexmark_source.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/graph/validator.h"
#include "engine/nexmark/nexmark_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using nexmark::NexmarkGenerator;
using G = NexmarkGenerator;

class CollectingOutput : public runtime::Output {
 public:
  absl::Status Emit(std::unique_ptr<runtime::Batch> b) override {
    batches.push_back(std::move(b));
    return absl::OkStatus();
  }
  absl::Status EmitSide(const std::string&, std::unique_ptr<runtime::Batch>) override {
    return absl::OkStatus();
  }
  absl::Status EmitWatermark(int64_t wm) override {
    watermarks.push_back(wm);
    return absl::OkStatus();
  }
  absl::Status EmitIdle() override { return absl::OkStatus(); }
  std::vector<std::unique_ptr<runtime::Batch>> batches;
  std::vector<int64_t> watermarks;
};

std::string RowString(const runtime::Batch& b, size_t i) {
  std::string s = absl::StrCat(b.timestamps[i]);
  for (size_t c = 0; c < b.rows.num_columns(); ++c) {
    absl::StrAppend(&s, "|", b.rows.at(i, c).DebugString());
  }
  return s;
}

TEST(NexmarkGeneratorTest, MixIdsAndReferencesFollowNexmark) {
  G gen({7, 1000, 1000});
  RowBatch rows(G::EventSchema().get());
  std::map<int64_t, int> types;
  int64_t last_person = -1, last_auction = -1, prev_ts = 0;
  for (int64_t i = 0; i < 5000; ++i) {
    const int64_t ts = gen.AppendTo(i, &rows);
    EXPECT_EQ(ts, 1000 + i);  // 1000 events/s: one per ms
    EXPECT_GE(ts, prev_ts);
    prev_ts = ts;
    const Value* row = rows.row(i);
    const int64_t type = row[G::kEventType].int64();
    ++types[type];
    EXPECT_EQ(row[G::kTs].timestamp_ms(), ts);
    if (type == 0) {
      EXPECT_EQ(row[G::kPersonId].int64(), last_person == -1 ? 1000 : last_person + 1);
      last_person = row[G::kPersonId].int64();
      EXPECT_TRUE(row[G::kPrice].is_null());
      EXPECT_FALSE(row[G::kEmail].str().empty());
    } else if (type == 1) {
      EXPECT_EQ(row[G::kAuctionId].int64(), last_auction == -1 ? 1000 : last_auction + 1);
      last_auction = row[G::kAuctionId].int64();
      EXPECT_GE(row[G::kSeller].int64(), 1000);
      EXPECT_LE(row[G::kSeller].int64(), last_person + 1);
      EXPECT_GT(row[G::kReserve].int64(), row[G::kInitialBid].int64());
    } else {
      ASSERT_EQ(type, 2);
      EXPECT_GE(row[G::kAuction].int64(), 1000);
      EXPECT_LE(row[G::kAuction].int64(), last_auction);
      EXPECT_GE(row[G::kPrice].int64(), 100);
      EXPECT_TRUE(row[G::kPersonId].is_null());
    }
  }
  EXPECT_EQ(types[0], 100);
  EXPECT_EQ(types[1], 300);
  EXPECT_EQ(types[2], 4600);
}

TEST(NexmarkGeneratorTest, EventsArePureFunctionsOfSeedAndNumber) {
  G a({42, 0, 10'000}), b({42, 0, 10'000}), c({43, 0, 10'000});
  RowBatch ra(G::EventSchema().get()), rb(G::EventSchema().get()), rc(G::EventSchema().get());
  for (int64_t i = 999; i >= 0; --i) b.AppendTo(i, &rb);  // reverse order
  int differ = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    a.AppendTo(i, &ra);
    c.AppendTo(i, &rc);
    for (int col = 0; col < G::kColumnCount; ++col) {
      EXPECT_EQ(ra.at(i, col).DebugString(), rb.at(999 - i, col).DebugString());
      differ += ra.at(i, col).DebugString() != rc.at(i, col).DebugString();
    }
  }
  EXPECT_GT(differ, 500);  // another seed is another stream
}

absl::StatusOr<std::unique_ptr<operators::NexmarkSource>> OpenSource(
    const graph::NexmarkSourceConfig& cfg, int subtask, int parallelism,
    runtime::OperatorMetrics* metrics) {
  auto src = std::make_unique<operators::NexmarkSource>(cfg, G::EventSchema().get());
  runtime::OperatorContext ctx;
  ctx.subtask = subtask;
  ctx.parallelism = parallelism;
  ctx.source_batch_records = 64;
  ctx.max_out_of_orderness_ms = 4000;
  ctx.metrics = metrics;
  RETURN_IF_ERROR(src->Open(ctx));
  return src;
}

TEST(NexmarkSourceTest, SubtasksPartitionTheEventNumbersAndWatermarkTrails) {
  graph::NexmarkSourceConfig cfg;
  cfg.events = 1000;
  cfg.events_per_second = 100;
  std::set<std::string> seen;
  for (int s = 0; s < 3; ++s) {
    runtime::OperatorMetrics m;
    auto src = OpenSource(cfg, s, 3, &m);
    ASSERT_TRUE(src.ok());
    CollectingOutput out;
    while (true) {
      auto more = (*src)->Poll(&out);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
    }
    int64_t max_ts = 0;
    for (const auto& b : out.batches) {
      for (size_t i = 0; i < b->size(); ++i) {
        EXPECT_TRUE(seen.insert(RowString(*b, i)).second);
        max_ts = std::max(max_ts, b->timestamps[i]);
      }
    }
    ASSERT_FALSE(out.watermarks.empty());
    EXPECT_EQ(out.watermarks.back(), max_ts - 4001);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(NexmarkSourceTest, RestoredSourceContinuesTheSameStream) {
  graph::NexmarkSourceConfig cfg;
  cfg.events = 10'000;
  runtime::OperatorMetrics m1, m2;
  auto a = OpenSource(cfg, 1, 2, &m1);
  ASSERT_TRUE(a.ok());
  CollectingOutput before;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*a)->Poll(&before).ok());
  auto snapshot = (*a)->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  CollectingOutput expected, got;
  ASSERT_TRUE((*a)->Poll(&expected).ok());

  auto b = OpenSource(cfg, 1, 2, &m2);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->RestoreState(*snapshot).ok());
  ASSERT_TRUE((*b)->Poll(&got).ok());
  ASSERT_EQ(got.batches.size(), 1u);
  ASSERT_EQ(got.batches[0]->size(), expected.batches[0]->size());
  for (size_t i = 0; i < got.batches[0]->size(); ++i) {
    EXPECT_EQ(RowString(*got.batches[0], i), RowString(*expected.batches[0], i));
  }
  // Bytes from another subtask (or garbage) are refused, not silently used.
  auto c = OpenSource(cfg, 0, 2, &m2);
  EXPECT_EQ((*c)->RestoreState(*snapshot).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*c)->RestoreState("abc").code(), absl::StatusCode::kDataLoss);
}

std::string SourceJob(const std::string& config, int parallelism) {
  return absl::StrCat(R"({"version": 1, "name": "nx", "watermark": {"max_out_of_orderness_ms": 4000},
    "nodes": [{"uid": "src", "operator": "nexmark_source", "parallelism": )", parallelism,
                      R"(, "config": )", config, R"(},
      {"uid": "bids", "operator": "filter", "config": {"predicate": "event_type = 2"}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "bids"}, {"from": "bids", "to": "out", "partitioning": "REBALANCE"}]})");
}

TEST(NexmarkSourceTest, RunsAsAJobSourceWithParallelism) {
  testing_util::JobFixture f;
  ASSERT_TRUE(f.client.CreateTopic("out", 1).ok());
  ASSERT_TRUE(f.Start(SourceJob(R"({"events": 5000, "seed": 3})", 2), nullptr, 128).ok());
  ASSERT_EQ(f.runner->Wait(), runtime::RunState::kFinished);
  EXPECT_EQ(f.Values("out").size(), 4600u);
}

TEST(NexmarkSourceTest, BadConfigsAreClearErrors) {
  for (const auto& [config, needle] : std::vector<std::pair<std::string, std::string>>{
           {R"({"events": -1})", "events"},
           {R"({"events_per_second": 0})", "events_per_second"},
           {R"({"base_time_ms": -5})", "base_time_ms"},
           {R"({"evnts": 5})", "evnts"}}) {
    auto g = graph::ParseAndValidateJobGraph(SourceJob(config, 1));
    ASSERT_FALSE(g.ok()) << config;
    EXPECT_NE(g.status().message().find(needle), std::string::npos) << g.status();
  }
}

}  // namespace
}  // namespace rtai::engine
