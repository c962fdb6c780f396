// Engine metrics (JobMetricsExporter, EngineMetrics, MlMetrics) and the
// dashboard's HTTP API over a real JobManager running a job on an in-memory
// broker client.
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/http/dashboard_assets.h"
#include "cli/http/dashboard_endpoints.h"
#include "cli/http/metrics_snapshot.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/service/job_metrics_exporter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/http/raw_http_client.h"
#include "tests/testing/temp_dir.h"

namespace rtai::cli {
namespace {

using ::rtai::testing::Body;
using ::rtai::testing::HttpGet;
using ::rtai::testing::StatusCode;
using ::testing::HasSubstr;

constexpr char kJob[] = R"({"version": 1, "name": "copy",
  "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}},
    {"uid": "big", "operator": "filter", "config": {"predicate": "v > 1"}},
    {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
  "edges": [{"from": "src", "to": "big"}, {"from": "big", "to": "out"}]})";

// The value of the first sample `name` whose labels include every pair of
// `labels`; -1 if none.
double Sample(const metrics::Registry& r, const std::string& name,
              const std::vector<std::pair<std::string, std::string>>& labels) {
  auto samples = ParseExposition(r.RenderText(), name);
  if (!samples.ok()) return -1;
  for (const MetricSample& s : *samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels) all = all && s.Label(k) == v;
    if (all) return s.value;
  }
  return -1;
}

class DashboardApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(client_.CreateTopic("in", 1).ok());
    ASSERT_TRUE(client_.CreateTopic("out", 1).ok());
    for (int v : {1, 2, 3}) {
      engine::io::ClientRecord r;
      r.value = absl::StrCat("{\"v\":", v, "}");
      ASSERT_TRUE(client_.AppendTo("in", 0, r).ok());
    }
    engine::service::JobManagerOptions o;
    o.data_dir = dir_.path();
    o.client = &client_;
    o.ml_metrics = &ml_;
    auto m = engine::service::JobManager::Create(o);
    ASSERT_TRUE(m.ok()) << m.status();
    jobs_ = std::move(*m);
    exporter_ = std::make_unique<engine::service::JobMetricsExporter>(jobs_.get(), &registry_);
    auto graph = engine::graph::ParseJobGraphJson(kJob);
    ASSERT_TRUE(graph.ok());
    ASSERT_TRUE(jobs_->Submit(*graph).ok());
    // Wait until the filter has seen all three records.
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (Sample(registry_, "rtai_engine_operator_records_in_total",
                  {{"job_id", "job-1"}, {"operator", "big"}}) != 3) {
      ASSERT_LT(absl::Now(), deadline) << registry_.RenderText();
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  void TearDown() override {
    if (server_) server_->Stop();
    exporter_.reset();
    jobs_.reset();
  }
  void StartServer() {
    HttpServerOptions options;
    options.listen_address = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(options);
    DashboardSources s;
    s.registry = &registry_;
    s.jobs = jobs_.get();
    s.engine_metrics = &engine_;
    s.ml_metrics = &ml_;
    s.clock = SystemClock();
    RegisterDashboardEndpoints(server_.get(), s);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::string Get(const std::string& path, int want_status) {
    auto r = HttpGet(server_->port(), path);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    EXPECT_EQ(StatusCode(*r), want_status) << path << ": " << *r;
    return *r;
  }

  ::rtai::testing::TempDir dir_;
  engine::io::MemoryPartitionClient client_;
  metrics::Registry registry_;
  engine::runtime::EngineMetrics engine_{&registry_};
  engine::runtime::MlMetrics ml_{&registry_, SystemClock()};
  std::unique_ptr<engine::service::JobManager> jobs_;
  std::unique_ptr<engine::service::JobMetricsExporter> exporter_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(DashboardApiTest, ExportsOperatorAndTaskSeries) {
  EXPECT_EQ(Sample(registry_, "rtai_engine_jobs", {{"state", "running"}}), 1);
  EXPECT_EQ(Sample(registry_, "rtai_engine_jobs", {{"state", "failed"}}), 0);
  EXPECT_EQ(Sample(registry_, "rtai_engine_operator_records_out_total",
                   {{"job_id", "job-1"}, {"operator", "big"}}), 2);
  EXPECT_EQ(Sample(registry_, "rtai_engine_operator_records_dropped_total",
                   {{"job_id", "job-1"}, {"operator", "src"}}), 0);
  EXPECT_GE(Sample(registry_, "rtai_engine_operator_backpressure_ratio",
                   {{"job_id", "job-1"}, {"operator", "out"}}), 0);
  // src -> big -> out is one chain: one task named after its head. The
  // source waits for more input, so it is idle; its three shares add up to
  // the elapsed time.
  const double idle = Sample(registry_, "rtai_engine_task_idle_seconds_total",
                             {{"job_id", "job-1"}, {"task", "src"}, {"subtask", "0"}});
  const double busy = Sample(registry_, "rtai_engine_task_busy_seconds_total",
                             {{"job_id", "job-1"}, {"task", "src"}});
  const double bp = Sample(registry_, "rtai_engine_task_backpressured_seconds_total",
                           {{"job_id", "job-1"}, {"task", "src"}});
  EXPECT_GT(idle, 0);
  EXPECT_GE(busy, 0);
  EXPECT_GE(bp, 0);
  const auto snapshot = jobs_->Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  ASSERT_EQ(snapshot[0].tasks.size(), 1u);
  const auto& t = snapshot[0].tasks[0];
  EXPECT_TRUE(t.running);
  EXPECT_EQ(t.busy_ns + t.idle_ns + t.backpressured_ns, t.elapsed_ns);
  // Cancelled jobs: the gauge moves and the task stops its clock.
  ASSERT_TRUE(jobs_->Cancel("job-1").ok());
  EXPECT_EQ(Sample(registry_, "rtai_engine_jobs", {{"state", "canceled"}}), 1);
  const auto after = jobs_->Snapshot();
  EXPECT_FALSE(after[0].tasks[0].running);
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(jobs_->Snapshot()[0].tasks[0].elapsed_ns, after[0].tasks[0].elapsed_ns);
}

TEST_F(DashboardApiTest, ExporterRemovesItsSeriesWhenDestroyed) {
  exporter_.reset();
  EXPECT_FALSE(absl::StrContains(registry_.RenderText(), "rtai_engine_operator"));
}

TEST_F(DashboardApiTest, CheckpointsAndRestartsFeedSeriesAndHistory) {
  for (int64_t id = 1; id <= 70; ++id) {
    engine::runtime::CheckpointRecord r;
    r.checkpoint_id = id;
    r.completed = id != 5;
    r.duration_ns = 2'000'000;
    r.alignment_ns = 1'000;
    r.size_bytes = 4096;
    r.error = id == 5 ? "timeout" : "";
    engine_.CheckpointEnded("job-1", r);
  }
  engine_.JobRestarted("job-1");
  EXPECT_EQ(Sample(registry_, "rtai_engine_checkpoints_total",
                   {{"job_id", "job-1"}, {"outcome", "completed"}}), 69);
  EXPECT_EQ(Sample(registry_, "rtai_engine_checkpoints_total",
                   {{"job_id", "job-1"}, {"outcome", "failed"}}), 1);
  EXPECT_EQ(Sample(registry_, "rtai_engine_last_checkpoint_id", {{"job_id", "job-1"}}), 70);
  EXPECT_EQ(Sample(registry_, "rtai_engine_checkpoint_duration_seconds_count", {}), 70);
  EXPECT_EQ(Sample(registry_, "rtai_engine_job_restarts_total", {{"job_id", "job-1"}}), 1);
  const auto history = engine_.RecentCheckpoints("job-1");
  ASSERT_EQ(history.size(), engine::runtime::EngineMetrics::kCheckpointHistory);
  EXPECT_EQ(history.front().checkpoint_id, 7);
  EXPECT_EQ(history.back().checkpoint_id, 70);

  StartServer();
  const std::string job = Body(Get("/api/job?id=job-1", 200));
  EXPECT_THAT(job, HasSubstr(R"("restarts":1)"));
  EXPECT_THAT(job, HasSubstr(R"({"id":70,"completed":true)"));
  EXPECT_THAT(job, HasSubstr(R"("graph":{"version":1,"name":"copy")"));
  EXPECT_THAT(job, HasSubstr(R"("uid":"big","operator":"filter","parallelism":1,"records_in":3,"records_out":2)"));
}

TEST_F(DashboardApiTest, MlMetricsBoundedSeriesAndEvents) {
  ml_.Scored("job-1", "fraud", 2, 100, 3'000'000);
  ml_.ServingVersion("fraud", "challenger", 3);
  ml_.Prequential("fraud", 2, "champion", "auc", 0.91);
  ml_.Prequential("fraud", 2, "champion", "auc", 0.92);  // same interval: replaces
  ml_.Prequential("fraud", 2, "champion", "auc", NAN);   // ignored
  for (int i = 0; i < 300; ++i) ml_.DriftDetected("fraud", 2, "adwin", absl::StrCat("#", i));
  ml_.Promoted("fraud", 3, "challenger auc higher");
  EXPECT_EQ(Sample(registry_, "rtai_ml_scores_total",
                   {{"job_id", "job-1"}, {"model", "fraud"}, {"version", "2"}}), 100);
  EXPECT_EQ(Sample(registry_, "rtai_ml_scoring_duration_seconds_count", {{"model", "fraud"}}), 1);
  EXPECT_EQ(Sample(registry_, "rtai_ml_model_version", {{"model", "fraud"}, {"role", "champion"}}), 3);
  EXPECT_EQ(Sample(registry_, "rtai_ml_model_version", {{"model", "fraud"}, {"role", "challenger"}}), 3);
  EXPECT_DOUBLE_EQ(Sample(registry_, "rtai_ml_prequential_metric",
                          {{"model", "fraud"}, {"version", "2"}, {"metric", "auc"}}), 0.92);
  EXPECT_EQ(Sample(registry_, "rtai_ml_drift_detections_total", {{"detector", "adwin"}}), 300);
  EXPECT_EQ(Sample(registry_, "rtai_ml_promotions_total", {{"model", "fraud"}}), 1);
  const auto series = ml_.Series();
  ASSERT_EQ(series.size(), 1u);
  ASSERT_EQ(series[0].points.size(), 1u);
  const auto events = ml_.Events();
  ASSERT_EQ(events.size(), engine::runtime::MlMetrics::kMaxEvents);
  EXPECT_EQ(events.back().kind, "promotion");
  EXPECT_EQ(events.front().detail, "adwin: #45");

  StartServer();
  const std::string models = Body(Get("/api/models", 200));
  EXPECT_THAT(models, HasSubstr(R"("models":[])"));  // no registry attached
  EXPECT_THAT(models, HasSubstr(R"({"model":"fraud","version":2,"role":"champion","metric":"auc","points":[[)"));
  EXPECT_THAT(models, HasSubstr(R"("kind":"promotion","model":"fraud","version":3)"));
}

TEST_F(DashboardApiTest, ServesAppAndRejectsBadRequests) {
  StartServer();
  for (const char* path : {"/", "/dashboard", "/dashboard/"}) {
    const std::string r = Get(path, 200);
    EXPECT_THAT(r, HasSubstr("text/html"));
    EXPECT_THAT(Body(r), HasSubstr("/dashboard/uPlot.iife.min.js"));
  }
  for (const DashboardAsset& a : DashboardAssets()) {
    const std::string r = Get(std::string(a.url_path), 200);
    EXPECT_EQ(Body(r), a.bytes) << a.url_path;
    EXPECT_THAT(r, HasSubstr(std::string(a.content_type)));
  }
  EXPECT_THAT(Body(Get("/dashboard/uPlot.iife.min.js", 200)), HasSubstr("uPlot"));
  Get("/dashboard/nope.js", 404);
  EXPECT_THAT(Body(Get("/api/job?id=../../etc/passwd", 400)), HasSubstr("job id"));
  Get(absl::StrCat("/api/job?id=", std::string(65, 'a')), 400);
  Get("/api/job", 400);
  EXPECT_THAT(Body(Get("/api/job?id=job-9", 404)), HasSubstr("unknown job `job-9`"));
  Get("/api/metrics?prefix=rtai%7B", 400);
  Get(absl::StrCat("/api/metrics?prefix=", std::string(201, 'a')), 400);
  const std::string topics = Body(Get("/api/topics", 200));
  EXPECT_THAT(topics, HasSubstr(R"("topics":[],"truncated":false)"));  // no broker attached
  const std::string jobs = Body(Get("/api/jobs", 200));
  EXPECT_THAT(jobs, HasSubstr(R"("id":"job-1","name":"copy","state":"running")"));
  const std::string m = Body(Get("/api/metrics?prefix=rtai_engine_operator_records_in", 200));
  EXPECT_THAT(m, HasSubstr(R"({"name":"rtai_engine_operator_records_in_total","labels":{"job_id":"job-1","operator":"big"},"value":3})"));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("rtai_engine_jobs")));
}

}  // namespace
}  // namespace rtai::cli
