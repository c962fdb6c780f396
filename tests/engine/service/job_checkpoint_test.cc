// JobManager with checkpoints: savepoint round trip (cancel with savepoint,
// resubmit from it: no gap, no repeat), graph mismatch rejected, restart
// from the latest checkpoint after a task failure, recovery after a
// "restart" of rtaid with fallback past a corrupt checkpoint, and submit-time
// validation of the transaction timeout.
#include <atomic>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "base/file_system.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/runtime/checkpoint_storage.h"
#include "engine/service/job_manager.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine::service {
namespace {

using ::testing::HasSubstr;

std::string Job(const std::string& mode, const std::string& middle = R"("operator": "map",
      "config": {"fields": [{"name": "v", "expr": "v"}]})") {
  return absl::StrCat(R"({"version": 1, "name": "copy",
    "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
    "checkpoint": {"interval_ms": 100, "mode": ")", mode, R"("},
    "nodes": [
      {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}},
      {"uid": "mid", )", middle, R"(},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "mid"}, {"from": "mid", "to": "out"}]})");
}

job::JobGraph Graph(const std::string& json) {
  auto g = graph::ParseJobGraphJson(json);
  EXPECT_TRUE(g.ok()) << g.status();
  return *g;
}

// Fails one ReadBatch when `fail` is set (a broken connection).
class FlakyClient : public io::PartitionClient {
 public:
  explicit FlakyClient(io::MemoryPartitionClient* inner) : inner_(inner) {}
  absl::StatusOr<int32_t> PartitionCount(const std::string& t) override {
    return inner_->PartitionCount(t);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& t, int32_t p) override {
    return inner_->OffsetRange(t, p);
  }
  absl::StatusOr<io::ReadResult> ReadBatch(const std::string& t, int32_t p, int64_t o,
                                           int32_t b, int32_t w) override {
    if (fail.exchange(false)) return absl::UnavailableError("connection reset (injected)");
    return inner_->ReadBatch(t, p, o, b, w);
  }
  absl::Status Append(const std::string& t, std::vector<io::ClientRecord> r) override {
    return inner_->Append(t, std::move(r));
  }
  std::atomic<bool> fail{false};

 private:
  io::MemoryPartitionClient* inner_;
};

struct Fixture {
  ::rtai::testing::TempDir dir;
  io::MemoryPartitionClient client;
  FlakyClient flaky{&client};
  int64_t next_value = 0;
  Fixture() {
    EXPECT_TRUE(client.CreateTopic("in", 1).ok());
    EXPECT_TRUE(client.CreateTopic("out", 1).ok());
  }
  JobManagerOptions Options() {
    JobManagerOptions o;
    o.data_dir = dir.path();
    o.client = &flaky;
    o.txn_client = &client;
    o.source_batch_records = 7;
    return o;
  }
  void Produce(int n) {
    for (int i = 0; i < n; ++i) {
      io::ClientRecord r;
      r.value = absl::StrCat("{\"v\":", next_value++, "}");
      ASSERT_TRUE(client.AppendTo("in", 0, std::move(r)).ok());
    }
  }
  std::vector<std::string> Committed() {
    std::vector<std::string> out;
    auto records = client.ReadAllCommitted("out", 0);
    EXPECT_TRUE(records.ok()) << records.status();
    if (records.ok()) {
      for (const auto& r : *records) out.push_back(r.value);
    }
    return out;
  }
  // Waits until the committed output holds every produced value; then
  // checks each appears exactly once.
  void ExpectExactlyOnce() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline && Committed().size() < static_cast<size_t>(next_value)) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    const std::vector<std::string> got = Committed();
    EXPECT_EQ(got.size(), static_cast<size_t>(next_value));
    const std::set<std::string> distinct(got.begin(), got.end());
    EXPECT_EQ(distinct.size(), got.size());
    for (int64_t v = 0; v < next_value; ++v) {
      EXPECT_TRUE(distinct.contains(absl::StrCat("{\"v\":", v, "}"))) << v;
    }
  }
};

// Waits for `n` completed checkpoints in the current run; returns the newest id.
int64_t WaitForCheckpoints(JobManager& m, const std::string& id, int n) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    auto got = m.Get(id);
    int completed = 0;
    int64_t newest = 0;
    if (got.ok()) {
      for (const job::CheckpointInfo& c : got->status().checkpoints()) {
        if (c.state() == job::COMPLETED) {
          ++completed;
          newest = std::max(newest, c.id());
        }
      }
    }
    if (completed >= n) return newest;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ADD_FAILURE() << "no " << n << " completed checkpoints";
  return 0;
}

TEST(JobCheckpointTest, SavepointRoundTripContinuesWithoutGapOrRepeat) {
  Fixture f;
  auto m = JobManager::Create(f.Options());
  ASSERT_TRUE(m.ok()) << m.status();
  auto id = (*m)->Submit(Graph(Job("EXACTLY_ONCE")));
  ASSERT_TRUE(id.ok()) << id.status();
  f.Produce(300);
  WaitForCheckpoints(**m, *id, 2);
  std::string sp;
  auto canceled = (*m)->Cancel(*id, &sp);
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->state(), job::CANCELED);
  EXPECT_THAT(sp, ::testing::StartsWith("sp-job-1-"));
  f.Produce(300);  // while no job runs
  auto resumed = (*m)->Submit(Graph(Job("EXACTLY_ONCE")), sp);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  f.Produce(300);
  f.ExpectExactlyOnce();
  auto got = (*m)->Get(*resumed);
  ASSERT_TRUE(got.ok());
  EXPECT_GT(got->status().restored_checkpoint_id(), 0);
  // Savepoints of a running job work too, and the job goes on.
  auto sp2 = (*m)->Savepoint(*resumed);
  ASSERT_TRUE(sp2.ok()) << sp2.status();
  EXPECT_TRUE(DefaultFileSystem()->Exists(JoinPath(f.dir.path(), "savepoints/" + sp2->id + "/_manifest")));
  EXPECT_EQ((*m)->Get(*resumed)->status().state(), job::RUNNING);
}

TEST(JobCheckpointTest, GraphNotMatchingTheSavepointIsRejectedClearly) {
  Fixture f;
  auto m = JobManager::Create(f.Options());
  ASSERT_TRUE(m.ok());
  auto id = (*m)->Submit(Graph(Job("AT_LEAST_ONCE")));
  ASSERT_TRUE(id.ok()) << id.status();
  f.Produce(50);
  auto sp = (*m)->Savepoint(*id);
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*m)->Cancel(*id).ok());
  // The source `src` has state; a graph whose `src` has another parallelism
  // cannot take it.
  std::string wider = Job("AT_LEAST_ONCE");
  absl::StrReplaceAll({{R"("uid": "src", )", R"("uid": "src", "parallelism": 2, )"}}, &wider);
  auto r = (*m)->Submit(Graph(wider), sp->id);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("node `src` at parallelism 1"));
  std::string renamed = Job("AT_LEAST_ONCE");
  absl::StrReplaceAll({{R"("uid": "src")", R"("uid": "source")"}, {R"("from": "src")", R"("from": "source")"}}, &renamed);
  r = (*m)->Submit(Graph(renamed), sp->id);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("state of node `src`"));
  EXPECT_EQ((*m)->Submit(Graph(Job("AT_LEAST_ONCE")), "sp-nope-1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ((*m)->Submit(Graph(Job("AT_LEAST_ONCE")), "../../etc").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JobCheckpointTest, TaskFailureRestartsFromTheLatestCheckpoint) {
  Fixture f;
  auto m = JobManager::Create(f.Options());
  ASSERT_TRUE(m.ok());
  auto id = (*m)->Submit(Graph(Job("EXACTLY_ONCE")));
  ASSERT_TRUE(id.ok()) << id.status();
  f.Produce(200);
  const int64_t before = WaitForCheckpoints(**m, *id, 2);
  f.flaky.fail = true;  // the source task fails on its next read
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && (*m)->Get(*id)->status().restarts() == 0) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  f.Produce(200);
  f.ExpectExactlyOnce();
  auto got = (*m)->Get(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status().restarts(), 1u);
  EXPECT_GE(got->status().restored_checkpoint_id(), before);
  EXPECT_THAT(got->status().last_failure(), HasSubstr("injected"));
  EXPECT_EQ(got->status().state(), job::RUNNING);
}

TEST(JobCheckpointTest, RecoveryAfterRestartFallsBackPastACorruptCheckpoint) {
  Fixture f;
  std::string id;
  int64_t newest = 0;
  {
    auto m = JobManager::Create(f.Options());
    ASSERT_TRUE(m.ok());
    auto submitted = (*m)->Submit(Graph(Job("AT_LEAST_ONCE")));
    ASSERT_TRUE(submitted.ok()) << submitted.status();
    id = *submitted;
    f.Produce(100);
    WaitForCheckpoints(**m, id, 3);
  }  // rtaid goes away
  const std::string root = JoinPath(f.dir.path(), "jobs/" + id + ".checkpoints");
  auto ids = runtime::ListCheckpointIds(DefaultFileSystem(), root);
  ASSERT_TRUE(ids.ok());
  ASSERT_GE(ids->size(), 2u);
  newest = ids->back();
  // The newest checkpoint's source state is damaged.
  const std::string file = JoinPath(root, absl::StrCat("chk-", newest, "/op-src-0.state"));
  auto bytes = DefaultFileSystem()->ReadFileToString(file);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() / 2] ^= 0x55;
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(file, *bytes).ok());
  auto m = JobManager::Create(f.Options());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(*(*m)->Recover(), 1);
  auto got = (*m)->Get(id);
  ASSERT_TRUE(got.ok());
  EXPECT_GT(got->status().restored_checkpoint_id(), 0);
  EXPECT_LT(got->status().restored_checkpoint_id(), newest);
  f.Produce(100);
  // At-least-once: every value arrives (some twice after the fallback).
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  std::set<std::string> distinct;
  while (absl::Now() < deadline && distinct.size() < 200) {
    const std::vector<std::string> all = f.Committed();
    distinct = std::set<std::string>(all.begin(), all.end());
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(distinct.size(), 200u);
}

TEST(JobCheckpointTest, DeliverySettingsAreCheckedAtSubmit) {
  Fixture f;
  auto m = JobManager::Create(f.Options());
  ASSERT_TRUE(m.ok());
  std::string short_txn = Job("EXACTLY_ONCE");
  absl::StrReplaceAll({{R"("interval_ms": 100,)",
                        R"("interval_ms": 1000, "timeout_ms": 5000, "transaction_timeout_ms": 4000,)"}},
                      &short_txn);
  auto r = (*m)->Submit(Graph(short_txn));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("transaction_timeout_ms (4000) must be greater"));
  JobManagerOptions no_txn = f.Options();
  no_txn.txn_client = nullptr;
  no_txn.data_dir = JoinPath(f.dir.path(), "other");
  auto m2 = JobManager::Create(no_txn);
  ASSERT_TRUE(m2.ok());
  r = (*m2)->Submit(Graph(Job("EXACTLY_ONCE")));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("AT_LEAST_ONCE"));
  EXPECT_TRUE((*m2)->Submit(Graph(Job("AT_LEAST_ONCE"))).ok());
}

}  // namespace
}  // namespace rtai::engine::service
