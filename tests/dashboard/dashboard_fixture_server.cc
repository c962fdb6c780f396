// A dashboard server with synthetic data for the parts real rtaid does not
// feed yet (checkpoint history, model metrics over time, drift and
// promotion events), so the browser test can check that those views render.
// Serves the real endpoints (RegisterDashboardEndpoints) over a real
// JobManager running one job on an in-memory broker client.
//
// usage: dashboard_fixture_server   (prints "listening http=HOST:PORT";
// runs until its standard input closes)

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "base/clock.h"
#include "base/file_system.h"
#include "cli/http/dashboard_endpoints.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/ml_metrics.h"
#include "engine/service/job_manager.h"

namespace {

constexpr char kJob[] = R"({"version": 1, "name": "fixture",
  "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}},
    {"uid": "big", "operator": "filter", "config": {"predicate": "v > 1"}},
    {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
  "edges": [{"from": "src", "to": "big"}, {"from": "big", "to": "out"}]})";

int Fail(const std::string& what) {
  std::cerr << "dashboard_fixture_server: " << what << "\n";
  return 1;
}

// Two minutes of champion/challenger history, one point a second, with a
// drift detection and a promotion; three checkpoints of job-1.
void Feed(rtai::FakeClock& ml_clock, rtai::engine::runtime::MlMetrics& ml,
          rtai::engine::runtime::EngineMetrics& engine, int64_t now_ms) {
  ml.ServingVersion("fraud", "champion", 1);
  ml.ServingVersion("fraud", "challenger", 2);
  for (int i = 0; i < 120; ++i) {
    ml.Scored("job-1", "fraud", 1, 100, 2'000'000);
    ml.Prequential("fraud", 1, "champion", "auc", 0.90 - 0.0005 * i);
    ml.Prequential("fraud", 2, "challenger", "auc", 0.88 + 0.0004 * i);
    if (i == 60) ml.DriftDetected("fraud", 1, "adwin", "mean error 0.12 -> 0.19");
    ml_clock.AdvanceMillis(1000);
  }
  ml.Promoted("fraud", 2, "challenger auc 0.928 > champion 0.840");
  for (int64_t id = 1; id <= 3; ++id) {
    rtai::engine::runtime::CheckpointRecord r;
    r.checkpoint_id = id;
    r.completed = id != 2;
    r.trigger_time_ms = now_ms - (4 - id) * 10'000;
    r.duration_ns = id * 150'000'000;
    r.alignment_ns = id * 2'000'000;
    r.size_bytes = id * 40'000;
    if (!r.completed) r.error = "timed out after 10000 ms";
    engine.CheckpointEnded("job-1", r);
  }
}

}  // namespace

int main() {
  char dir_template[] = "/tmp/rtai-dashboard-fixture-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return Fail("mkdtemp failed");
  rtai::Clock* clock = rtai::SystemClock();
  rtai::FakeClock ml_clock(clock->NowMillis() - 120'000);
  rtai::metrics::Registry registry(clock);
  rtai::engine::runtime::EngineMetrics engine(&registry);
  rtai::engine::runtime::MlMetrics ml(&registry, &ml_clock);
  rtai::engine::io::MemoryPartitionClient client;
  if (!client.CreateTopic("in", 1).ok() || !client.CreateTopic("out", 1).ok()) {
    return Fail("topics");
  }
  rtai::engine::service::JobManagerOptions o;
  o.data_dir = dir;
  o.client = &client;
  auto jobs = rtai::engine::service::JobManager::Create(o);
  if (!jobs.ok()) return Fail(jobs.status().ToString());
  auto graph = rtai::engine::graph::ParseJobGraphJson(kJob);
  if (!graph.ok()) return Fail(graph.status().ToString());
  if (auto id = (*jobs)->Submit(*graph); !id.ok()) return Fail(id.status().ToString());
  Feed(ml_clock, ml, engine, clock->NowMillis());

  rtai::cli::HttpServerOptions http;
  http.listen_address = "127.0.0.1:0";
  rtai::cli::HttpServer server(http);
  rtai::cli::DashboardSources sources;
  sources.registry = &registry;
  sources.jobs = jobs->get();
  sources.engine_metrics = &engine;
  sources.ml_metrics = &ml;
  sources.clock = clock;
  rtai::cli::RegisterDashboardEndpoints(&server, sources);
  if (absl::Status s = server.Start(); !s.ok()) return Fail(s.ToString());
  std::cout << "listening http=" << server.address() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.Stop();
  jobs->reset();
  (void)rtai::DefaultFileSystem()->DeleteDirRecursive(dir);
  return 0;
}
