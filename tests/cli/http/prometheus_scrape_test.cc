// The real Prometheus server (Debian's `prometheus` package) scrapes a real
// rtaid every second; its query API must then show an rtai counter that
// increases when records are produced. Proves the exposition is accepted
// by Prometheus's own parser (up == 1). Skipped when prometheus is absent.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/cli/http/raw_http_client.h"
#include "tests/crash/rtaid_process.h"
#include "tests/testing/temp_dir.h"

namespace rtai::cli {
namespace {

using ::rtai::testing::Body;
using ::rtai::testing::HttpGet;
using ::rtai::testing::RtaidProcess;
using ::rtai::testing::CommandResult;
using ::rtai::testing::RunCommand;
using ::rtai::testing::TempDir;

constexpr char kPrometheus[] = "/usr/bin/prometheus";

// A child process with stdout and stderr in `log_path`; SIGTERMed (then
// reaped) on destruction.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~BackgroundProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// The value of the first sample in a /api/v1/query vector answer.
std::optional<double> FirstValue(const std::string& json) {
  const size_t v = json.find("\"value\":[");
  if (v == std::string::npos) return std::nullopt;
  const size_t q1 = json.find('"', json.find(',', v));
  const size_t q2 = json.find('"', q1 + 1);
  double d = 0;
  if (q1 == std::string::npos || q2 == std::string::npos ||
      !absl::SimpleAtod(json.substr(q1 + 1, q2 - q1 - 1), &d)) {
    return std::nullopt;
  }
  return d;
}

// Polls Prometheus's query API until `encoded_query` yields `want`.
bool WaitForValue(int port, const std::string& encoded_query, double want, std::string* last) {
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  while (absl::Now() < deadline) {
    auto r = HttpGet(port, absl::StrCat("/api/v1/query?query=", encoded_query));
    if (r.ok()) {
      *last = Body(*r);
      std::optional<double> v = FirstValue(*last);
      if (v.has_value() && *v == want) return true;
    }
    absl::SleepFor(absl::Milliseconds(250));  // scrapes happen every 1 s
  }
  return false;
}

// Prometheus scraping 127.0.0.1:`http_port` every second; its own HTTP port
// in *prom_port.
std::unique_ptr<BackgroundProcess> StartPrometheus(const std::string& dir, int http_port,
                                                   int* prom_port) {
  const std::string config = dir + "/prometheus.yml";
  {
    std::ofstream out(config);
    out << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: rtaid\n    static_configs:\n"
        << "      - targets: ['127.0.0.1:" << http_port << "']\n";
  }
  *prom_port = FreePort();
  return std::make_unique<BackgroundProcess>(
      std::vector<std::string>{kPrometheus, "--config.file=" + config,
                               "--storage.tsdb.path=" + dir + "/tsdb",
                               absl::StrCat("--web.listen-address=127.0.0.1:", *prom_port)},
      dir + "/prometheus.log");
}

TEST(PrometheusScrapeTest, PrometheusScrapesRtaidAndSeesCountersIncrease) {
  if (access(kPrometheus, X_OK) != 0) GTEST_SKIP() << "prometheus is not installed";
  TempDir dir;
  RtaidProcess rtaid(RTAID_BINARY, dir.path() + "/data", dir.path() + "/rtaid.log");
  ASSERT_TRUE(rtaid.Start("127.0.0.1:0").ok());
  auto http_port = ::rtai::testing::HttpPortFromRtaidLog(dir.path() + "/rtaid.log");
  ASSERT_TRUE(http_port.ok()) << http_port.status();
  auto cli = [&](std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), {RTAI_CLI_BINARY, "--server", rtaid.address()});
    return RunCommand(args, input, dir.path());
  };
  ASSERT_EQ(cli({"topic", "create", "scraped"}, "").exit_code, 0);
  ASSERT_EQ(cli({"produce", "scraped"}, "a\nb\nc\n").exit_code, 0);

  int prom_port = 0;
  auto prometheus = StartPrometheus(dir.path(), *http_port, &prom_port);

  std::string last;
  // up == 1: Prometheus parsed our exposition without error.
  EXPECT_TRUE(WaitForValue(prom_port, "up%7Bjob%3D%22rtaid%22%7D", 1, &last)) << last;
  const std::string records =
      "rtai_broker_produced_records_total%7Btopic%3D%22scraped%22%7D";
  ASSERT_TRUE(WaitForValue(prom_port, records, 3, &last)) << last;
  ASSERT_EQ(cli({"produce", "scraped"}, "d\ne\n").exit_code, 0);
  EXPECT_TRUE(WaitForValue(prom_port, records, 5, &last)) << last;
  // A histogram arrives whole: its _count is queryable too.
  EXPECT_TRUE(WaitForValue(
      prom_port,
      "sum(rtai_grpc_request_duration_seconds_count%7Bmethod%3D%22Produce%22%7D)", 2, &last))
      << last;
}

// Engine series (docs/OPERATIONS.md, "Engine") move while a job runs.
TEST(PrometheusScrapeTest, EngineSeriesMoveWhileAJobRuns) {
  if (access(kPrometheus, X_OK) != 0) GTEST_SKIP() << "prometheus is not installed";
  TempDir dir;
  RtaidProcess rtaid(RTAID_BINARY, dir.path() + "/data", dir.path() + "/rtaid.log");
  ASSERT_TRUE(rtaid.Start("127.0.0.1:0").ok());
  auto http_port = ::rtai::testing::HttpPortFromRtaidLog(dir.path() + "/rtaid.log");
  ASSERT_TRUE(http_port.ok()) << http_port.status();
  auto cli = [&](std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), {RTAI_CLI_BINARY, "--server", rtaid.address()});
    return RunCommand(args, input, dir.path());
  };
  ASSERT_EQ(cli({"topic", "create", "in"}, "").exit_code, 0);
  ASSERT_EQ(cli({"topic", "create", "out"}, "").exit_code, 0);
  {
    std::ofstream job(dir.path() + "/job.json");
    job << R"({"version": 1, "name": "copy",
      "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"}]}],
      "nodes": [
        {"uid": "src", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}},
        {"uid": "big", "operator": "filter", "config": {"predicate": "v > 1"}},
        {"uid": "out", "operator": "broker_sink", "config": {"topic": "out"}}],
      "edges": [{"from": "src", "to": "big"}, {"from": "big", "to": "out"}]})";
  }
  const CommandResult submitted = cli({"job", "submit", dir.path() + "/job.json"}, "");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  ASSERT_EQ(cli({"produce", "in"}, "{\"v\":1}\n{\"v\":2}\n{\"v\":3}\n").exit_code, 0);
  int prom_port = 0;
  auto prometheus = StartPrometheus(dir.path(), *http_port, &prom_port);

  std::string last;
  EXPECT_TRUE(WaitForValue(prom_port, "rtai_engine_jobs%7Bstate%3D%22running%22%7D", 1, &last))
      << last;
  const std::string in = "rtai_engine_operator_records_in_total%7Bjob_id%3D%22job-1%22%2Coperator%3D%22big%22%7D";
  const std::string out = "rtai_engine_operator_records_out_total%7Bjob_id%3D%22job-1%22%2Coperator%3D%22big%22%7D";
  ASSERT_TRUE(WaitForValue(prom_port, in, 3, &last)) << last;
  EXPECT_TRUE(WaitForValue(prom_port, out, 2, &last)) << last;
  ASSERT_EQ(cli({"produce", "in"}, "{\"v\":4}\n{\"v\":0}\n").exit_code, 0);
  EXPECT_TRUE(WaitForValue(prom_port, in, 5, &last)) << last;
  EXPECT_TRUE(WaitForValue(prom_port, out, 3, &last)) << last;
  // The source waits for input: its task's idle time grows; its watermark
  // is unset (no event-time field), so it has no watermark series.
  EXPECT_TRUE(WaitForValue(
      prom_port, "rtai_engine_task_idle_seconds_total%7Bjob_id%3D%22job-1%22%2Ctask%3D%22src%22%7D%20%3E%20bool%200",
      1, &last)) << last;
  EXPECT_TRUE(WaitForValue(prom_port,
                           "count(rtai_engine_operator_backpressure_ratio%7Bjob_id%3D%22job-1%22%7D)",
                           3, &last)) << last;
}

}  // namespace
}  // namespace rtai::cli
