#include "engine/service/job_manager.h"

#include "absl/time/clock.h"
#include "base/file_system.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine::service {
namespace {

using ::testing::HasSubstr;

constexpr char kJob[] = R"({"version": 1, "name": "copy",
  "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}},
    {"uid": "big", "operator": "filter", "config": {"predicate": "v > 1"}},
    {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
  "edges": [{"from": "src", "to": "big"}, {"from": "big", "to": "out"}]})";

job::JobGraph Graph(const std::string& json) {
  auto g = graph::ParseJobGraphJson(json);
  EXPECT_TRUE(g.ok()) << g.status();
  return *g;
}

void WaitForRecords(io::MemoryPartitionClient& client, size_t n) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    auto out = client.ReadAll("out", 0);
    if (out.ok() && out->size() >= n) return;
    absl::SleepFor(absl::Milliseconds(5));
  }
  ADD_FAILURE() << "timed out waiting for " << n << " records";
}

TEST(JobManagerTest, SubmitRunsPersistsAndResubmitsAfterRestart) {
  ::rtai::testing::TempDir dir;
  io::MemoryPartitionClient client;
  ASSERT_TRUE(client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(client.CreateTopic("out", 1).ok());
  for (int v : {1, 2, 3}) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"v\":", v, "}");
    ASSERT_TRUE(client.AppendTo("in", 0, r).ok());
  }
  JobManagerOptions o;
  o.data_dir = dir.path();
  o.client = &client;
  {
    auto m = JobManager::Create(o);
    ASSERT_TRUE(m.ok()) << m.status();
    auto id = (*m)->Submit(Graph(kJob));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(*id, "job-1");
    WaitForRecords(client, 2);
    auto got = (*m)->Get("job-1");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->status().state(), job::RUNNING);
    EXPECT_EQ(got->graph().name(), "copy");
    ASSERT_EQ(got->status().operators_size(), 3);
    EXPECT_EQ(got->status().operators(1).uid(), "big");
    EXPECT_EQ(got->status().operators(1).records_in(), 3);
    EXPECT_EQ(got->status().operators(1).records_out(), 2);
    // A bad graph is the submitter's error; the running job is untouched.
    std::string bad = kJob;
    bad.replace(bad.find("v > 1"), 5, "w > 1");
    auto rejected = (*m)->Submit(Graph(bad));
    EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(rejected.status().message(), HasSubstr("unknown column `w`"));
    EXPECT_EQ((*m)->List().size(), 1u);
    EXPECT_EQ((*m)->Get("job-2").status().code(), absl::StatusCode::kNotFound);
  }  // "restart": the manager and its jobs go away
  auto m = JobManager::Create(o);
  ASSERT_TRUE(m.ok());
  auto recovered = (*m)->Recover();
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(*recovered, 1);
  WaitForRecords(client, 4);  // recomputed from the start: at-least-once
  auto next = (*m)->Submit(Graph(kJob));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, "job-2");  // ids continue after the recovered ones
  auto canceled = (*m)->Cancel("job-1");
  ASSERT_TRUE(canceled.ok());
  EXPECT_EQ(canceled->state(), job::CANCELED);
  ASSERT_TRUE((*m)->Cancel("job-2").ok());
  m->reset();
  auto again = JobManager::Create(o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->Recover(), 0);  // cancelled jobs are not resubmitted
}

TEST(JobManagerTest, CorruptStoredJobIsSkippedAndItsIdNotReused) {
  ::rtai::testing::TempDir dir;
  io::MemoryPartitionClient client;
  ASSERT_TRUE(client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(client.CreateTopic("out", 1).ok());
  JobManagerOptions o;
  o.data_dir = dir.path();
  o.client = &client;
  {
    auto m = JobManager::Create(o);
    ASSERT_TRUE(m.ok());
  }
  ASSERT_TRUE(DefaultFileSystem()
                  ->WriteFileAtomically(dir.path() + "/jobs/job-7.json", "{\"version\": 1, \"nam")
                  .ok());
  auto m = JobManager::Create(o);
  ASSERT_TRUE(m.ok());
  auto recovered = (*m)->Recover();
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(*recovered, 0);
  auto id = (*m)->Submit(Graph(kJob));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "job-8");
}

TEST(JobManagerTest, BadGraphsAndLimitsAreErrorsNotCrashes) {
  ::rtai::testing::TempDir dir;
  io::MemoryPartitionClient client;
  ASSERT_TRUE(client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(client.CreateTopic("out", 1).ok());
  JobManagerOptions o;
  o.data_dir = dir.path();
  o.client = &client;
  o.max_jobs = 2;
  o.max_retained_jobs = 3;
  auto m = JobManager::Create(o);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE((*m)->Submit(Graph(kJob)).ok());
  ASSERT_TRUE((*m)->Submit(Graph(kJob)).ok());
  auto third = (*m)->Submit(Graph(kJob));
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  // Stopped jobs make room; the retained list stays bounded.
  ASSERT_TRUE((*m)->Cancel("job-1").ok());
  ASSERT_TRUE((*m)->Submit(Graph(kJob)).ok());
  ASSERT_TRUE((*m)->Cancel("job-2").ok());
  ASSERT_TRUE((*m)->Submit(Graph(kJob)).ok());
  EXPECT_LE((*m)->List().size(), 3u);
  EXPECT_EQ((*m)->Cancel("nope").status().code(), absl::StatusCode::kNotFound);
  job::JobGraph empty;
  EXPECT_EQ((*m)->Submit(empty).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtai::engine::service
