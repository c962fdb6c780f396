// broker_source with a consumer group: config validation; starting from
// committed offsets (present, absent with reset earliest/latest, outside the
// log, chosen partitions only); commits on checkpoint completion carrying
// the snapshot's offsets; interval commits by a FakeClock; commits at the
// end of a bounded source; restore ignoring committed offsets; failures
// counted and never failing the job.
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/operators/broker_source.h"
#include "engine/operators/operator_factory.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using PO = std::pair<int32_t, int64_t>;  // partition, offset

// A raw broker_source (rows: key, value, partition, offset) into a
// blackhole. SOURCE is replaced by the source's extra config fields.
constexpr char kJob[] = R"({
  "version": 1, "name": "offsets",
  "checkpoint": {"interval_ms": CKPT},
  "nodes": [
    {"uid": "src", "operator": "broker_source",
     "config": {"topic": "in", "format": "raw" SOURCE}},
    {"uid": "out", "operator": "blackhole_sink"}
  ],
  "edges": [{"from": "src", "to": "out"}]
})";

std::string Job(const std::string& source, int64_t checkpoint_interval_ms = 0) {
  return absl::StrReplaceAll(
      kJob, {{"SOURCE", source}, {"CKPT", absl::StrCat(checkpoint_interval_ms)}});
}

std::string ErrorOf(const std::string& source) {
  auto g = graph::ParseAndValidateJobGraph(Job(source));
  return g.ok() ? "OK" : std::string(g.status().message());
}

TEST(BrokerSourceConfigTest, ValidatesGroupStartResetAndInterval) {
  const std::string prefix = "node `src` (broker_source): config field ";
  EXPECT_EQ(ErrorOf(R"(, "start": "committed")"),
            prefix + "`group` is required with \"start\": \"committed\" (the consumer group "
                     "whose committed offsets to start from)");
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "start": "committed", "reset": "none")"),
            prefix + "`reset` must be \"earliest\" or \"latest\", got \"none\"");
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "reset": "latest")"),
            prefix + "`reset` applies only with \"start\": \"committed\"");
  EXPECT_EQ(ErrorOf(R"(, "group": "", "start": "committed")"), prefix + "`group` must not be empty");
  EXPECT_EQ(ErrorOf(R"(, "group": 7)"), prefix + "`group` must be a string, got number");
  EXPECT_EQ(ErrorOf(absl::StrCat(R"(, "group": ")", std::string(256, 'g'), "\"")),
            prefix + "`group` must be at most 255 bytes");
  EXPECT_EQ(ErrorOf(R"(, "commit_interval_ms": 1000)"),
            prefix + "`commit_interval_ms` needs \"group\" (offsets are committed to a "
                     "consumer group)");
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "commit_interval_ms": 99)"),
            prefix + "`commit_interval_ms` must be in [100, 86400000], got 99");
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "commit_interval_ms": "5s")"),
            prefix + "`commit_interval_ms` must be an integer, got string");
  EXPECT_EQ(ErrorOf(R"(, "start": "comitted")"),
            prefix + "`start` must be \"earliest\", \"latest\" or \"committed\", got \"comitted\"");
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "comit_interval_ms": 100)"),
            "node `src` (broker_source): unknown config field `comit_interval_ms`");

  // A group with other start modes only commits.
  EXPECT_EQ(ErrorOf(R"(, "group": "g", "start": "latest")"), "OK");
  auto g = graph::ParseAndValidateJobGraph(
      Job(R"(, "group": "g", "start": "committed", "reset": "latest", "commit_interval_ms": 250)"));
  ASSERT_TRUE(g.ok()) << g.status();
  const auto& cfg = std::get<graph::SourceConfig>(g->nodes[0].config);
  EXPECT_EQ(cfg.group, "g");
  EXPECT_EQ(cfg.start, graph::StartPosition::kCommitted);
  EXPECT_EQ(cfg.reset, graph::StartPosition::kLatest);
  EXPECT_EQ(cfg.commit_interval_ms, 250);
  auto d = graph::ParseAndValidateJobGraph(Job(R"(, "group": "g", "start": "committed")"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(std::get<graph::SourceConfig>(d->nodes[0].config).reset,
            graph::StartPosition::kEarliest);
  EXPECT_EQ(std::get<graph::SourceConfig>(d->nodes[0].config).commit_interval_ms, 5000);
}

class CollectingOutput : public runtime::Output {
 public:
  absl::Status Emit(std::unique_ptr<runtime::Batch> b) override {
    for (size_t i = 0; i < b->size(); ++i) {
      const Value* row = b->rows.row(i);
      read.emplace_back(static_cast<int32_t>(row[2].int64()), row[3].int64());
    }
    return absl::OkStatus();
  }
  absl::Status EmitSide(const std::string&, std::unique_ptr<runtime::Batch>) override {
    return absl::OkStatus();
  }
  absl::Status EmitWatermark(int64_t) override { return absl::OkStatus(); }
  absl::Status EmitIdle() override { return absl::OkStatus(); }
  std::vector<PO> read;
};

// A topic `in` with 3 partitions of 10 records each, and a source built
// from a job config through the operator factory.
class SourceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(client_.CreateTopic("in", 3).ok());
    for (int32_t p = 0; p < 3; ++p) AppendTo(p, 10);
    ctx_.uid = "src";
    ctx_.client = &client_;
    ctx_.clock = &clock_;
    ctx_.metrics = &metrics_;
  }
  void AppendTo(int32_t partition, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(client_.AppendTo("in", partition, {"k", "v", 1, {}}).ok());
    }
  }
  // Builds and opens the source of Job(source, checkpoint_interval_ms).
  std::unique_ptr<operators::BrokerSource> Open(const std::string& source,
                                                int64_t checkpoint_interval_ms = 0) {
    auto g = graph::ParseAndValidateJobGraph(Job(source, checkpoint_interval_ms));
    EXPECT_TRUE(g.ok()) << g.status();
    if (!g.ok()) return nullptr;
    graphs_.push_back(std::make_unique<graph::ValidatedGraph>(*std::move(g)));
    auto op = operators::CreateOperator(*graphs_.back(), 0);
    EXPECT_TRUE(op.ok()) << op.status();
    if (!op.ok()) return nullptr;
    std::unique_ptr<operators::BrokerSource> source_op(
        static_cast<operators::BrokerSource*>(op->release()));
    const absl::Status s = source_op->Open(ctx_);
    EXPECT_TRUE(s.ok()) << s;
    return s.ok() ? std::move(source_op) : nullptr;
  }
  void Commit(const std::string& group, std::vector<io::PartitionOffset> offsets) {
    ASSERT_TRUE(client_.groups()->Commit(group, "in", offsets).ok());
  }
  std::vector<int64_t> Committed(const std::string& group) {
    return *client_.groups()->Fetch(group, "in", {0, 1, 2});
  }
  // Polls a bounded source to its end, then Finish()es it.
  void Drain(operators::BrokerSource* source) {
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<bool> more = source->Poll(&out_);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) {
        ASSERT_TRUE(source->Finish(&out_).ok());
        return;
      }
    }
    FAIL() << "bounded source did not end";
  }
  std::set<PO> ReadSet() const { return std::set<PO>(out_.read.begin(), out_.read.end()); }
  static std::set<PO> Range(int32_t partition, int64_t from, int64_t to) {
    std::set<PO> s;
    for (int64_t o = from; o < to; ++o) s.emplace(partition, o);
    return s;
  }

  io::MemoryPartitionClient client_;
  FakeClock clock_;
  runtime::OperatorMetrics metrics_;
  runtime::OperatorContext ctx_;
  CollectingOutput out_;
  std::vector<std::unique_ptr<graph::ValidatedGraph>> graphs_;
};

std::set<PO> Union(std::initializer_list<std::set<PO>> sets) {
  std::set<PO> out;
  for (const auto& s : sets) out.insert(s.begin(), s.end());
  return out;
}

TEST_F(SourceFixture, StartsAtCommittedOffsetsAndResetsToEarliestWhereNoneOrOutOfRange) {
  Commit("g", {{0, 4}, {2, 20}});  // 20 is past the end (10): reset applies
  auto source = Open(R"(, "group": "g", "start": "committed", "bounded": true)");
  ASSERT_NE(source, nullptr);
  Drain(source.get());
  EXPECT_EQ(out_.read.size(), 26u);
  EXPECT_EQ(ReadSet(), Union({Range(0, 4, 10), Range(1, 0, 10), Range(2, 0, 10)}));
  // The end offsets were committed when the source ended.
  EXPECT_THAT(Committed("g"), ElementsAre(10, 10, 10));
  EXPECT_EQ(source->offset_commits(), 1);
}

TEST_F(SourceFixture, ResetLatestReadsOnlyNewRecordsOfPartitionsWithoutACommit) {
  Commit("g", {{0, 8}});
  auto source = Open(R"(, "group": "g", "start": "committed", "reset": "latest")");
  ASSERT_NE(source, nullptr);
  AppendTo(1, 2);  // after the start: read
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(source->Poll(&out_).ok());
  EXPECT_EQ(ReadSet(), Union({Range(0, 8, 10), Range(1, 10, 12)}));
}

TEST_F(SourceFixture, ChosenPartitionsStartFromTheirCommitsAndCommitOnlyThemselves) {
  Commit("g", {{0, 5}, {1, 3}});
  auto source = Open(R"(, "partitions": [1, 2], "group": "g", "start": "committed",
                        "bounded": true)");
  ASSERT_NE(source, nullptr);
  Drain(source.get());
  EXPECT_EQ(ReadSet(), Union({Range(1, 3, 10), Range(2, 0, 10)}));
  EXPECT_THAT(Committed("g"), ElementsAre(5, 10, 10));  // partition 0 untouched
}

TEST_F(SourceFixture, GroupWithStartEarliestIgnoresCommitsButCommits) {
  Commit("g", {{0, 9}, {1, 9}, {2, 9}});
  auto source = Open(R"(, "group": "g", "bounded": true)");
  ASSERT_NE(source, nullptr);
  Drain(source.get());
  EXPECT_EQ(out_.read.size(), 30u);
  EXPECT_THAT(Committed("g"), ElementsAre(10, 10, 10));
}

TEST_F(SourceFixture, CheckpointCompletionCommitsTheSnapshotsOffsetsNotLaterOnes) {
  auto source = Open(R"(, "partitions": [0], "group": "g", "commit_interval_ms": 100)",
                     /*checkpoint_interval_ms=*/1000);
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Poll(&out_).ok());  // reads 0..9
  ASSERT_TRUE(source->SnapshotState(1).ok());
  AppendTo(0, 5);
  ASSERT_TRUE(source->Poll(&out_).ok());  // 10..14
  ASSERT_TRUE(source->SnapshotState(2).ok());
  AppendTo(0, 3);
  clock_.AdvanceMillis(10'000);  // interval commits are off with checkpointing
  ASSERT_TRUE(source->Poll(&out_).ok());  // 15..17
  EXPECT_EQ(out_.read.size(), 18u);
  EXPECT_THAT(Committed("g"), ElementsAre(-1, -1, -1));  // nothing before a completion
  ASSERT_TRUE(source->NotifyCheckpointComplete(1).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(10, -1, -1));  // checkpoint 1's, not 18
  ASSERT_TRUE(source->NotifyCheckpointComplete(2).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(15, -1, -1));
  // Checkpoints 3 and 4 snapshot; only 4's completion is notified (the
  // runtime reports the latest): 4's offsets, and 3 is forgotten.
  ASSERT_TRUE(source->SnapshotState(3).ok());
  AppendTo(0, 1);
  ASSERT_TRUE(source->Poll(&out_).ok());
  ASSERT_TRUE(source->SnapshotState(4).ok());
  ASSERT_TRUE(source->NotifyCheckpointComplete(4).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(19, -1, -1));
  ASSERT_TRUE(source->NotifyCheckpointComplete(3).ok());  // stale: no change
  EXPECT_THAT(Committed("g"), ElementsAre(19, -1, -1));
  EXPECT_EQ(source->offset_commits(), 3);
}

TEST_F(SourceFixture, UnchangedOffsetsAreNotCommittedAgain) {
  auto source = Open(R"(, "partitions": [0], "group": "g")", 1000);
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Poll(&out_).ok());
  for (int64_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(source->SnapshotState(id).ok());
    ASSERT_TRUE(source->NotifyCheckpointComplete(id).ok());
  }
  EXPECT_EQ(client_.groups()->commits(), 1);
}

TEST_F(SourceFixture, IntervalCommitsFollowTheClockWhenCheckpointingIsOff) {
  auto source = Open(R"(, "partitions": [0], "group": "g", "commit_interval_ms": 1000)");
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Poll(&out_).ok());  // reads 0..9
  clock_.AdvanceMillis(999);
  ASSERT_TRUE(source->Poll(&out_).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(-1, -1, -1));
  clock_.AdvanceMillis(1);
  ASSERT_TRUE(source->Poll(&out_).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(10, -1, -1));
  AppendTo(0, 2);
  ASSERT_TRUE(source->Poll(&out_).ok());  // reads 10, 11; not due
  EXPECT_THAT(Committed("g"), ElementsAre(10, -1, -1));
  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(source->Poll(&out_).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(12, -1, -1));
  clock_.AdvanceMillis(1000);  // nothing new: skipped
  ASSERT_TRUE(source->Poll(&out_).ok());
  EXPECT_EQ(client_.groups()->commits(), 2);
  EXPECT_EQ(source->offset_commits(), 2);
}

TEST_F(SourceFixture, CommitFailuresAreCountedAndNeverFailTheJob) {
  auto source = Open(R"(, "partitions": [0], "group": "g", "commit_interval_ms": 1000)");
  ASSERT_NE(source, nullptr);
  client_.groups()->FailCommits(absl::UnavailableError("disk full"));
  clock_.AdvanceMillis(1000);
  EXPECT_TRUE(source->Poll(&out_).ok());
  clock_.AdvanceMillis(1000);
  EXPECT_TRUE(source->Poll(&out_).ok());
  EXPECT_EQ(source->offset_commit_failures(), 2);
  // Kafka refuses a standalone commit while the group has members.
  client_.groups()->FailCommits(absl::OkStatus());
  client_.groups()->SetActiveMembers("g", true);
  clock_.AdvanceMillis(1000);
  EXPECT_TRUE(source->Poll(&out_).ok());
  EXPECT_EQ(source->offset_commit_failures(), 3);
  EXPECT_THAT(Committed("g"), ElementsAre(-1, -1, -1));
  client_.groups()->SetActiveMembers("g", false);
  clock_.AdvanceMillis(1000);
  EXPECT_TRUE(source->Poll(&out_).ok());
  EXPECT_THAT(Committed("g"), ElementsAre(10, -1, -1));
  EXPECT_EQ(out_.read.size(), 10u);
}

TEST_F(SourceFixture, RestoredSnapshotWinsAndOtherPartitionsStartFromCommitted) {
  auto first = Open(R"(, "partitions": [0], "bounded": false)");
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Poll(&out_).ok());  // partition 0 up to 10
  auto snapshot = first->SnapshotState(1);
  ASSERT_TRUE(snapshot.ok());
  AppendTo(0, 2);
  AppendTo(1, 2);
  Commit("g", {{0, 3}, {1, 6}});
  out_.read.clear();
  auto second = Open(R"(, "partitions": [0, 1], "group": "g", "start": "committed")", 1000);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(second->RestoreState(*snapshot).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(second->Poll(&out_).ok());
  // Partition 0 resumes at the snapshot's 10 (not the committed 3);
  // partition 1, absent from the snapshot, at its committed 6.
  EXPECT_EQ(ReadSet(), Union({Range(0, 10, 12), Range(1, 6, 12)}));
}

// A PartitionClient without consumer-group offsets (a broker that offers
// none): forwards everything else.
class NoGroupsClient : public io::PartitionClient {
 public:
  explicit NoGroupsClient(io::PartitionClient* inner) : inner_(inner) {}
  absl::StatusOr<int32_t> PartitionCount(const std::string& t) override {
    return inner_->PartitionCount(t);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& t,
                                                          int32_t p) override {
    return inner_->OffsetRange(t, p);
  }
  absl::StatusOr<io::ReadResult> ReadBatch(const std::string& t, int32_t p, int64_t o,
                                           int32_t b, int32_t w) override {
    return inner_->ReadBatch(t, p, o, b, w);
  }
  absl::Status Append(const std::string& t, std::vector<io::ClientRecord> r) override {
    return inner_->Append(t, std::move(r));
  }

 private:
  io::PartitionClient* inner_;
};

TEST_F(SourceFixture, GroupWithoutBrokerSupportFailsAtOpenWithAClearError) {
  NoGroupsClient no_groups(&client_);
  ctx_.client = &no_groups;
  auto g = graph::ParseAndValidateJobGraph(Job(R"(, "group": "g", "start": "committed")"));
  ASSERT_TRUE(g.ok());
  auto op = operators::CreateOperator(*g, 0);
  ASSERT_TRUE(op.ok());
  const absl::Status s = (*op)->Open(ctx_);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("offers no consumer-group offsets"));
  // Without a group the same client is fine.
  auto plain = Open("");
  EXPECT_NE(plain, nullptr);
}

TEST(SourceOffsetCommitterTest, PendingSnapshotsAreBoundedAndTheNewestCompletedWins) {
  io::MemoryGroupOffsets groups;
  FakeClock clock;
  operators::SourceOffsetCommitter c("g", "t", &groups, /*checkpointing=*/true, 5000, &clock);
  for (int64_t id = 1; id <= 40; ++id) c.OnSnapshot(id, {{0, id * 10}});
  EXPECT_EQ(c.pending_snapshots(), operators::SourceOffsetCommitter::kMaxPendingSnapshots);
  c.OnCheckpointComplete(3);  // dropped long ago: nothing to commit
  EXPECT_THAT(*groups.Fetch("g", "t", {0}), ElementsAre(-1));
  c.OnCheckpointComplete(30);
  EXPECT_THAT(*groups.Fetch("g", "t", {0}), ElementsAre(300));
  EXPECT_EQ(c.pending_snapshots(), 10u);  // 31..40 still pending
  c.OnCheckpointComplete(100);
  EXPECT_THAT(*groups.Fetch("g", "t", {0}), ElementsAre(400));
  EXPECT_EQ(c.pending_snapshots(), 0u);
  EXPECT_EQ(c.commits(), 2);
}

// A GroupOffsets that answers Fetch with the wrong number of offsets.
class ShortAnswerGroups : public io::GroupOffsets {
 public:
  absl::StatusOr<std::vector<int64_t>> Fetch(const std::string&, const std::string&,
                                             const std::vector<int32_t>&) override {
    return std::vector<int64_t>{1};
  }
  absl::Status Commit(const std::string&, const std::string&,
                      const std::vector<io::PartitionOffset>&) override {
    return absl::OkStatus();
  }
};

TEST(SourceOffsetCommitterTest, AMalformedFetchAnswerIsAnErrorNotACrash) {
  ShortAnswerGroups groups;
  FakeClock clock;
  operators::SourceOffsetCommitter c("g", "t", &groups, false, 5000, &clock);
  EXPECT_EQ(c.FetchCommitted({0, 1, 2}).status().code(), absl::StatusCode::kInternal);
}

TEST(MemoryGroupOffsetsTest, RejectsHostileInput) {
  io::MemoryGroupOffsets groups(/*max_offsets=*/2);
  EXPECT_EQ(groups.Commit("", "t", {{0, 1}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(groups.Commit("g", "t", {{0, -5}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(groups.Fetch("", "t", {0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(groups.Commit("g", "t", {{0, 1}, {1, 1}}).ok());
  EXPECT_EQ(groups.Commit("g", "t", {{2, 1}}).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(groups.Commit("g", "t", {{1, 7}}).ok());  // an existing entry: fine
  EXPECT_THAT(*groups.Fetch("g", "t", {1, 0, 2}), ElementsAre(7, 1, -1));
}

}  // namespace
}  // namespace rtai::engine
