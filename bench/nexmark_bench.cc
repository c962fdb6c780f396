// Nexmark q0, q1, q2, q5, q7 and q8 as job graphs, from the in-process
// nexmark_source (events generated as rows, like Flink's Nexmark datagen
// source) to a blackhole sink, parallelism 1. Also q0 from JSON text in an
// in-memory topic (broker_source decoding), to show what parsing costs.
// Reports events/s of wall time and events per CPU-second of the whole
// process (getrusage; Nexmark's metric is events / (cores x seconds)) and
// the ratio to Flink 1.13's published per-core figures.
// docs/PERFORMANCE.md "Nexmark (issue 4)".
//   nexmark_bench [events=2000000] [rounds=3] [query-filter]
#include <stdlib.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/malloc_tuning.h"
#include "engine/graph/validator.h"
#include "engine/io/json_row_encoder.h"
#include "engine/io/memory_partition_client.h"
#include "engine/nexmark/nexmark_generator.h"
#include "engine/nexmark/nexmark_queries.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/job_runner.h"

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

// Fills topic `events` with the same stream as JSON (for q0-json).
bool FillJsonTopic(rtai::engine::io::MemoryPartitionClient& client, int64_t events) {
  using rtai::engine::nexmark::NexmarkGenerator;
  if (!client.CreateTopic("events", 1).ok()) return false;
  NexmarkGenerator gen({});
  auto schema = NexmarkGenerator::EventSchema();
  rtai::engine::RowBatch rows(schema.get());
  for (int64_t i = 0; i < events; ++i) {
    rows.Clear();
    gen.AppendTo(i, &rows);
    rtai::engine::io::ClientRecord r;
    rtai::engine::io::AppendJsonRow(*schema, rows.row(0), &r.value);
    if (!client.AppendTo("events", 0, std::move(r)).ok()) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rtai;
  TuneMallocForStreaming();  // as rtaid does
  const int64_t events = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string only = argc > 3 ? argv[3] : "";
  engine::io::MemoryPartitionClient client(events + 1);
  bool json_filled = false;
  char state_template[] = "/tmp/nexmark_state_XXXXXX";
  const char* state_dir = mkdtemp(state_template);
  if (state_dir == nullptr) return 1;
  std::printf("%lld events per run (1 person : 3 auctions : 46 bids), parallelism 1, best of %d\n",
              static_cast<long long>(events), rounds);
  std::printf("%-8s %14s %16s %12s %8s %10s\n", "query", "events/s wall", "events/cpu-s",
              "Flink/core", "ratio", "results");
  for (const std::string& name : engine::nexmark::QueryNames()) {
    if (!only.empty() && name != only) continue;
    if (name == "q0-json" && !json_filled) {
      if (!FillJsonTopic(client, events)) return 1;
      json_filled = true;
    }
    auto json = engine::nexmark::QueryJob(name, events, R"("operator": "blackhole_sink")");
    if (!json.ok()) return 1;
    auto graph = engine::graph::ParseAndValidateJobGraph(*json);
    if (!graph.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(graph.status().message()).c_str());
      return 1;
    }
    auto shared = std::make_shared<const engine::graph::ValidatedGraph>(std::move(*graph));
    double best_wall = 0, best_cpu = 0;
    int64_t results = 0;
    for (int round = 0; round < rounds; ++round) {
      engine::runtime::RuntimeOptions o;
      o.client = &client;
      o.state_dir = absl::StrCat(state_dir, "/", name, "-", round);
      const double cpu0 = CpuSeconds();
      const int64_t start = SystemClock()->MonotonicNanos();
      auto runner = engine::runtime::JobRunner::Start(shared, o, engine::operators::CreateOperator);
      if (!runner.ok() || (*runner)->Wait() != engine::runtime::RunState::kFinished) {
        std::fprintf(stderr, "%s failed%s\n", name.c_str(),
                     runner.ok() ? "" : std::string(runner.status().message()).c_str());
        return 1;
      }
      const double secs = (SystemClock()->MonotonicNanos() - start) / 1e9;
      for (const auto& m : (*runner)->Metrics()) {
        if (m.uid == "sink") results = m.records_in;
      }
      const double cpu = CpuSeconds() - cpu0;
      best_wall = std::max(best_wall, events / secs);
      best_cpu = std::max(best_cpu, events / cpu);
    }
    std::printf("%-8s %14.0f %16.0f %12.0f %7.1fx %10lld\n", name.c_str(), best_wall, best_cpu,
                engine::nexmark::FlinkEventsPerCore(name),
                best_cpu / engine::nexmark::FlinkEventsPerCore(name), static_cast<long long>(results));
    std::fflush(stdout);
  }
  std::error_code ec;
  std::filesystem::remove_all(state_dir, ec);
  return 0;
}
