// JobRunner::Tasks(): where each task's time goes. A slow sink makes the
// source task backpressured and the sink task busy; each task's busy, idle
// and backpressured time add up to its run time, which stops with the task.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/job_runner.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine {
namespace {

// Appends take 2 ms each: a congested broker behind the sink.
class SlowAppendClient : public io::PartitionClient {
 public:
  explicit SlowAppendClient(io::MemoryPartitionClient* inner) : inner_(inner) {}
  absl::StatusOr<int32_t> PartitionCount(const std::string& t) override {
    return inner_->PartitionCount(t);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& t,
                                                          int32_t p) override {
    return inner_->OffsetRange(t, p);
  }
  absl::StatusOr<io::ReadResult> ReadBatch(const std::string& t, int32_t p, int64_t o, int32_t b,
                                           int32_t w) override {
    return inner_->ReadBatch(t, p, o, b, w);
  }
  absl::Status Append(const std::string& t, std::vector<io::ClientRecord> r) override {
    absl::SleepFor(absl::Milliseconds(2));  // the simulated slow broker, not a race
    return inner_->Append(t, std::move(r));
  }

 private:
  io::MemoryPartitionClient* inner_;
};

TEST(TaskTimesTest, SlowSinkBackpressuresTheSourceTaskAndKeepsTheSinkBusy) {
  io::MemoryPartitionClient client;
  ASSERT_TRUE(client.CreateTopic("in", 1).ok());
  ASSERT_TRUE(client.CreateTopic("out", 1).ok());
  for (int i = 0; i < 600; ++i) {
    io::ClientRecord r;
    r.value = absl::StrCat("{\"v\":", i, "}");
    ASSERT_TRUE(client.AppendTo("in", 0, std::move(r)).ok());
  }
  // REBALANCE puts a channel between the two tasks (no chaining).
  auto g = graph::ParseAndValidateJobGraph(R"({"version": 1, "name": "slow",
    "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
    "nodes": [
      {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e", "bounded": true}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
    "edges": [{"from": "src", "to": "out", "partitioning": "REBALANCE"}]})");
  ASSERT_TRUE(g.ok()) << g.status();
  SlowAppendClient slow(&client);
  ::rtai::testing::TempDir dir;
  runtime::RuntimeOptions o;
  o.client = &slow;
  o.state_dir = dir.path();
  o.source_batch_records = 10;
  o.channel_capacity = 2;
  auto runner = runtime::JobRunner::Start(
      std::make_shared<const graph::ValidatedGraph>(std::move(*g)), o, operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  ASSERT_EQ((*runner)->Wait(), runtime::RunState::kFinished) << (*runner)->status();

  const std::vector<runtime::TaskTimes> tasks = (*runner)->Tasks();
  ASSERT_EQ(tasks.size(), 2u);
  const runtime::TaskTimes& src = tasks[0].uid == "src" ? tasks[0] : tasks[1];
  const runtime::TaskTimes& out = tasks[0].uid == "src" ? tasks[1] : tasks[0];
  ASSERT_EQ(src.uid, "src");
  ASSERT_EQ(out.uid, "out");
  for (const runtime::TaskTimes& t : tasks) {
    EXPECT_FALSE(t.running) << t.uid;
    EXPECT_GT(t.elapsed_ns, 0) << t.uid;
    EXPECT_EQ(t.busy_ns + t.idle_ns + t.backpressured_ns, t.elapsed_ns) << t.uid;
  }
  // 60 appends of 2 ms: the sink spends >= 120 ms busy; the source, which
  // reads in microseconds, spends most of its run blocked on the sink.
  EXPECT_GE(out.busy_ns, 100'000'000);
  EXPECT_GT(src.backpressured_ns, src.elapsed_ns / 2);
  EXPECT_LT(out.backpressured_ns, out.elapsed_ns / 10);
  // Stopped tasks keep their times.
  absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ((*runner)->Tasks()[0].elapsed_ns, tasks[0].elapsed_ns);
}

}  // namespace
}  // namespace rtai::engine
