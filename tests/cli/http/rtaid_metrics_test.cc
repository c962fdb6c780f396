// The HTTP endpoint of a real rtaid process: /healthz, /readyz, /metrics
// series that move when records are produced over gRPC (rtai-cli) and the
// Kafka protocol (kcat), consumer-group lag, the dashboard's JSON API, and
// abuse of the endpoint.

#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/base/metrics/sample_parser.h"
#include "tests/cli/http/raw_http_client.h"
#include "tests/crash/rtaid_process.h"
#include "tests/testing/temp_dir.h"

namespace rtai::cli {
namespace {

using ::rtai::testing::Body;
using ::rtai::testing::CommandResult;
using ::rtai::testing::FindSample;
using ::rtai::testing::HttpGet;
using ::rtai::testing::RawHttpClient;
using ::rtai::testing::RtaidProcess;
using ::rtai::testing::RunCommand;
using ::rtai::testing::StatusCode;
using ::rtai::testing::TempDir;

constexpr int kMaxConns = 8;

class RtaidMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rtaid_ = std::make_unique<RtaidProcess>(RTAID_BINARY, dir_.path() + "/data",
                                            dir_.path() + "/rtaid.log");
    ASSERT_TRUE(rtaid_
                    ->Start("127.0.0.1:0", {"--http-max-connections", absl::StrCat(kMaxConns),
                                            "--http-idle-timeout-ms", "2000"})
                    .ok());
    auto port = ::rtai::testing::HttpPortFromRtaidLog(dir_.path() + "/rtaid.log");
    ASSERT_TRUE(port.ok()) << port.status();
    http_port_ = *port;
  }
  void TearDown() override {
    const int status = rtaid_->Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  CommandResult Cli(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {RTAI_CLI_BINARY, "--server", rtaid_->address()});
    return RunCommand(args, input, dir_.path());
  }
  std::string Metrics() {
    auto r = HttpGet(http_port_, "/metrics");
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    EXPECT_EQ(StatusCode(*r), 200);
    return Body(*r);
  }
  double Sample(const std::string& text, const std::string& series) {
    return FindSample(text, series).value_or(-1);
  }
  std::string KafkaAddress() {
    // The Kafka listener is the kafka= field of the same log line.
    std::string log = RunCommand({"/bin/cat", dir_.path() + "/rtaid.log"}, "", dir_.path()).out;
    const size_t k = log.rfind(" kafka=");
    return log.substr(k + 7, log.find(' ', k + 7) - k - 7);
  }

  TempDir dir_;
  std::unique_ptr<RtaidProcess> rtaid_;
  int http_port_ = 0;
};

TEST_F(RtaidMetricsTest, ProcessGaugesArePresent) {
  const std::string m = Metrics();
  EXPECT_GT(Sample(m, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(Sample(m, "process_open_fds"), 3);
  EXPECT_GT(Sample(m, "process_max_fds"), 3);
  EXPECT_GE(Sample(m, "process_cpu_seconds_total"), 0);
  EXPECT_GT(Sample(m, "rtai_process_start_time_seconds"), 1.7e9);
}

TEST_F(RtaidMetricsTest, HealthAndReadiness) {
  auto h = HttpGet(http_port_, "/healthz");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(StatusCode(*h), 200);
  auto r = HttpGet(http_port_, "/readyz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(StatusCode(*r), 200);
}

TEST_F(RtaidMetricsTest, GrpcProduceMovesSeries) {
  ASSERT_EQ(Cli({"topic", "create", "orders", "--partitions", "2"}).exit_code, 0);
  const std::string before = Metrics();
  EXPECT_EQ(Sample(before, "rtai_broker_produced_records_total{topic=\"orders\"}"), -1);
  EXPECT_EQ(Sample(before, "rtai_broker_log_end_offset{topic=\"orders\",partition=\"0\"}"), 0);
  ASSERT_EQ(Cli({"produce", "orders", "--partition", "0"}, "a\nb\nc\n").exit_code, 0);
  const std::string after = Metrics();
  EXPECT_EQ(Sample(after, "rtai_broker_produced_records_total{topic=\"orders\"}"), 3);
  EXPECT_GT(Sample(after, "rtai_broker_produced_bytes_total{topic=\"orders\"}"), 0);
  EXPECT_EQ(Sample(after, "rtai_broker_log_end_offset{topic=\"orders\",partition=\"0\"}"), 3);
  EXPECT_GT(Sample(after, "rtai_broker_log_size_bytes{topic=\"orders\",partition=\"0\"}"), 0);
  EXPECT_GE(Sample(after,
                   "rtai_grpc_request_duration_seconds_count{method=\"Produce\",code=\"OK\"}"),
            1);
  EXPECT_GE(Sample(after, "rtai_grpc_request_duration_seconds_count{method=\"CreateTopic\","
                          "code=\"OK\"}"),
            1);
  EXPECT_GE(Sample(after, "rtai_log_fsync_duration_seconds_count"), 1);
  ASSERT_EQ(Cli({"consume", "orders", "--partition", "0", "--from-beginning",
                 "--max-messages", "3"})
                .exit_code,
            0);
  const std::string consumed = Metrics();
  EXPECT_EQ(Sample(consumed, "rtai_broker_fetched_records_total{topic=\"orders\"}"), 3);
}

TEST_F(RtaidMetricsTest, KafkaProduceAndConsumerGroupLag) {
  if (access("/usr/bin/kcat", X_OK) != 0) GTEST_SKIP() << "kcat not installed";
  const std::string kafka = KafkaAddress();
  auto p = RunCommand({"/usr/bin/kcat", "-P", "-b", kafka, "-t", "clicks", "-p", "0"},
                      "x\ny\n", dir_.path());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  // A group consumes both records and commits on exit.
  auto c = RunCommand({"/usr/bin/kcat", "-b", kafka, "-G", "readers", "-o", "beginning", "-e",
                       "-X", "enable.auto.commit=true", "clicks"},
                      "", dir_.path());
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::string m = Metrics();
  EXPECT_GE(Sample(m, "rtai_kafka_request_duration_seconds_count{api=\"Produce\"}"), 1);
  EXPECT_EQ(Sample(m, "rtai_broker_produced_records_total{topic=\"clicks\"}"), 2);
  EXPECT_EQ(Sample(m, "rtai_kafka_consumer_group_committed_offset{group=\"readers\","
                      "topic=\"clicks\",partition=\"0\"}"),
            2);
  EXPECT_EQ(Sample(m, "rtai_kafka_consumer_group_lag{group=\"readers\",topic=\"clicks\","
                      "partition=\"0\"}"),
            0);
  p = RunCommand({"/usr/bin/kcat", "-P", "-b", kafka, "-t", "clicks", "-p", "0"}, "z\nw\nv\n",
                 dir_.path());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  m = Metrics();
  EXPECT_EQ(Sample(m, "rtai_kafka_consumer_group_lag{group=\"readers\",topic=\"clicks\","
                      "partition=\"0\"}"),
            3);
}

// The dashboard's JSON API of a real rtaid: topics with partitions,
// counters and a Kafka group's lag; a job with its graph; models.
TEST_F(RtaidMetricsTest, DashboardApiShowsTopicsJobsAndModels) {
  if (access("/usr/bin/kcat", X_OK) != 0) GTEST_SKIP() << "kcat not installed";
  const std::string kafka = KafkaAddress();
  ASSERT_EQ(Cli({"topic", "create", "clicks", "--partitions", "2"}).exit_code, 0);
  auto p = RunCommand({"/usr/bin/kcat", "-P", "-b", kafka, "-t", "clicks", "-p", "1"},
                      "x\ny\n", dir_.path());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto c = RunCommand({"/usr/bin/kcat", "-b", kafka, "-G", "readers", "-o", "beginning", "-e",
                       "-X", "enable.auto.commit=true", "clicks"},
                      "", dir_.path());
  ASSERT_EQ(c.exit_code, 0) << c.err;
  p = RunCommand({"/usr/bin/kcat", "-P", "-b", kafka, "-t", "clicks", "-p", "1"}, "z\nw\nv\n",
                 dir_.path());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto get = [&](const std::string& path) {
    auto r = HttpGet(http_port_, path);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return std::string();
    EXPECT_EQ(StatusCode(*r), 200) << path << ": " << *r;
    EXPECT_NE(r->find(path[1] == 'a' ? "application/json" : "text/html"), std::string::npos);
    return Body(*r);
  };
  std::string topics = get("/api/topics");
  EXPECT_NE(topics.find(R"("name":"clicks")"), std::string::npos) << topics;
  EXPECT_NE(topics.find(R"("partition_count":2,"partitions":[{"partition":0,"log_start_offset":0,"high_watermark":0,"log_end_offset":0,)"),
            std::string::npos) << topics;
  EXPECT_NE(topics.find(R"({"partition":1,"log_start_offset":0,"high_watermark":5,"log_end_offset":5,)"),
            std::string::npos) << topics;
  EXPECT_NE(topics.find(R"("records":5,"produced_records_total":5,)"), std::string::npos) << topics;
  EXPECT_NE(topics.find(R"("consumer_groups":[{"group":"readers","partitions":[{"partition":"1","lag":3,"committed_offset":2}],"lag":3}])"),
            std::string::npos) << topics;

  const std::string job_file = dir_.path() + "/job.json";
  ASSERT_EQ(RunCommand({"/bin/sh", "-c", "cat > " + job_file},
                       R"({"version": 1, "name": "copy",
      "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
      "nodes": [
        {"uid": "src", "operator": "broker_source", "config": {"topic": "clicks", "schema": "e"}},
        {"uid": "out", "operator": "broker_sink", "config": {"topic": "copied"}}],
      "edges": [{"from": "src", "to": "out"}]})",
                       dir_.path()).exit_code, 0);
  ASSERT_EQ(Cli({"topic", "create", "copied"}).exit_code, 0);
  const CommandResult submitted = Cli({"job", "submit", job_file});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string jobs = get("/api/jobs");
  EXPECT_NE(jobs.find(R"("id":"job-1","name":"copy","state":"running")"), std::string::npos) << jobs;
  const std::string job = get("/api/job?id=job-1");
  EXPECT_NE(job.find(R"("edges":[{"from":"src","to":"out"}])"), std::string::npos) << job;
  EXPECT_NE(job.find(R"("restarts":0,"checkpoints":[])"), std::string::npos) << job;
  auto missing = HttpGet(http_port_, "/api/job?id=job-2");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(StatusCode(*missing), 404);
  EXPECT_NE(get("/api/models").find(R"("models":[],"series":[],"events":[])"), std::string::npos);
  EXPECT_NE(get("/").find("<title>rtai dashboard</title>"), std::string::npos);
}

TEST_F(RtaidMetricsTest, AbuseIsBoundedAndOthersAreServed) {
  // Malformed requests close only their own connection.
  for (const char* bad : {"NOT HTTP\r\n\r\n", "GET /metrics HTTP/1.1\r\nX: \x01\r\n\r\n"}) {
    RawHttpClient c;
    ASSERT_TRUE(c.Connect(http_port_).ok());
    ASSERT_TRUE(c.Send(bad).ok());
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(StatusCode(*r), 400);
    EXPECT_TRUE(c.WaitClosed());
  }
  RawHttpClient big;
  ASSERT_TRUE(big.Connect(http_port_).ok());
  (void)big.Send(absl::StrCat("GET /metrics HTTP/1.1\r\nX: ", std::string(100000, 'x'),
                              "\r\n\r\n"));
  auto r = big.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StatusCode(*r), 431);
  EXPECT_TRUE(big.WaitClosed());
  // Fill the connection limit with idle connections; `keep` holds one.
  constexpr int kIdle = 20;
  RawHttpClient keep;
  ASSERT_TRUE(keep.Connect(http_port_).ok());
  std::vector<std::unique_ptr<RawHttpClient>> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<RawHttpClient>());
    ASSERT_TRUE(idle.back()->Connect(http_port_, /*recv_timeout_ms=*/5000).ok());
  }
  // Accepted in order: the ones past the limit are closed at once.
  for (int i = kMaxConns - 1; i < kIdle; ++i) EXPECT_TRUE(idle[i]->WaitClosed()) << i;
  // The connection opened first is still served.
  ASSERT_TRUE(keep.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  auto served = keep.ReadResponse();
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_EQ(StatusCode(*served), 200);
  // Idle connections time out (2 s) without any request: capacity returns.
  for (int i = 0; i < kMaxConns - 1; ++i) EXPECT_TRUE(idle[i]->WaitClosed()) << i;
  auto again = HttpGet(http_port_, "/readyz");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(StatusCode(*again), 200);
  const std::string m = Metrics();
  EXPECT_EQ(Sample(m, "rtai_http_rejected_connections_total"), kIdle - (kMaxConns - 1));
  EXPECT_GE(Sample(m, "rtai_http_responses_total{code=\"400\"}"), 2);
  EXPECT_GE(Sample(m, "rtai_http_responses_total{code=\"431\"}"), 1);
}

}  // namespace
}  // namespace rtai::cli
