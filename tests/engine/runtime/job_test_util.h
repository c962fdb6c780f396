#pragma once
// Helpers for runtime tests: build a window job over an in-memory topic, run
// it to completion, read the sink topics back.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/job_runner.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::engine::testing_util {

struct Event {
  int32_t partition;
  std::string k;
  int64_t v;
  int64_t ts;
};

// source(in: k string, v int64, ts timestamp) -> window_aggregate -> sink `out`,
// late side output -> sink `late`. `window` and `extra` are JSON fragments.
inline std::string WindowJob(const std::string& window, const std::string& aggregates,
                             int64_t ooo_ms, int64_t lateness_ms, bool bounded,
                             int64_t idle_ms = 0, const std::string& key = "[\"k\"]") {
  return absl::StrCat(R"({"version": 1, "name": "w",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"},
      {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
    "watermark": {"max_out_of_orderness_ms": )", ooo_ms, R"(, "idle_timeout_ms": )", idle_ms,
                      R"(},
    "nodes": [
      {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e",
        "event_time": "ts", "bounded": )", bounded ? "true" : "false", R"(}},
      {"uid": "win", "operator": "window_aggregate", "config": {"window": )", window,
                      R"(, "key": )", key, R"(, "allowed_lateness_ms": )", lateness_ms,
                      R"(, "aggregates": )", aggregates, R"(}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}},
      {"uid": "late", "operator": "broker_sink", "config": {"topic": "late"}}],
    "edges": [{"from": "src", "to": "win"}, {"from": "win", "to": "out"},
              {"from": "win", "to": "late", "output": "late"}]})");
}

struct JobFixture {
  io::MemoryPartitionClient client;
  ::rtai::testing::TempDir dir;
  std::shared_ptr<const graph::ValidatedGraph> graph;
  std::unique_ptr<runtime::JobRunner> runner;
  runtime::TaskScheduler* scheduler = nullptr;  // null: the runner's own pool

  void CreateTopics(int32_t in_partitions) {
    ASSERT_TRUE(client.CreateTopic("in", in_partitions).ok());
    ASSERT_TRUE(client.CreateTopic("out", 1).ok());
    ASSERT_TRUE(client.CreateTopic("late", 1).ok());
  }
  void Produce(const std::vector<Event>& events) {
    for (const Event& e : events) {
      io::ClientRecord r;
      r.value = absl::StrCat("{\"k\":\"", e.k, "\",\"v\":", e.v, ",\"ts\":", e.ts, "}");
      ASSERT_TRUE(client.AppendTo("in", e.partition, std::move(r)).ok());
    }
  }
  absl::Status Start(const std::string& json, const Clock* clock = nullptr,
                     int batch_records = 1, int channel_capacity = 8) {
    auto g = graph::ParseAndValidateJobGraph(json);
    if (!g.ok()) return g.status();
    graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
    runtime::RuntimeOptions o;
    o.client = &client;
    o.clock = clock;
    o.state_dir = dir.path();
    o.source_batch_records = batch_records;
    o.channel_capacity = channel_capacity;
    o.scheduler = scheduler;
    auto r = runtime::JobRunner::Start(graph, o, operators::CreateOperator);
    if (!r.ok()) return r.status();
    runner = std::move(*r);
    return absl::OkStatus();
  }
  std::vector<std::string> Values(const std::string& topic) {
    std::vector<std::string> out;
    auto records = client.ReadAll(topic, 0);
    EXPECT_TRUE(records.ok());
    if (records.ok()) {
      for (const auto& r : *records) out.push_back(r.value);
    }
    return out;
  }
  const runtime::NodeMetrics Metric(const std::string& uid) {
    for (const auto& m : runner->Metrics()) {
      if (m.uid == uid) return m;
    }
    ADD_FAILURE() << uid;
    return {};
  }
};

// A PartitionClient whose appends take `delay` (a congested broker); reads
// go straight to `inner`.
class SlowAppendClient : public io::PartitionClient {
 public:
  SlowAppendClient(io::MemoryPartitionClient* inner, absl::Duration delay)
      : inner_(inner), delay_(delay) {}
  absl::StatusOr<int32_t> PartitionCount(const std::string& t) override {
    return inner_->PartitionCount(t);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& t, int32_t p) override {
    return inner_->OffsetRange(t, p);
  }
  absl::StatusOr<io::ReadResult> ReadBatch(const std::string& t, int32_t p, int64_t o,
                                           int32_t b, int32_t w) override {
    return inner_->ReadBatch(t, p, o, b, w);
  }
  absl::Status Append(const std::string& t, std::vector<io::ClientRecord> r) override {
    absl::SleepFor(delay_);  // the simulated slow broker, not a race
    return inner_->Append(t, std::move(r));
  }

 private:
  io::MemoryPartitionClient* inner_;
  absl::Duration delay_;
};

}  // namespace rtai::engine::testing_util
