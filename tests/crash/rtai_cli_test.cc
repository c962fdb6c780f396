// Drives the real rtai-cli binary against a real rtaid.

#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "broker/grpc/partitioner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/crash/rtaid_process.h"
#include "tests/testing/temp_dir.h"

namespace rtai::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RtaiCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    rtaid_ = new RtaidProcess(RTAID_BINARY, dir_->path() + "/data",
                              dir_->path() + "/rtaid.log");
    absl::Status s = rtaid_->Start("127.0.0.1:0");
    ASSERT_TRUE(s.ok()) << s;
  }
  static void TearDownTestSuite() {
    const int status = rtaid_->Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "rtaid did not stop cleanly";
    delete rtaid_;
    delete dir_;
  }

  CommandResult Cli(std::vector<std::string> args,
                    const std::string& input = "") {
    args.insert(args.begin(), {RTAI_CLI_BINARY, "--server", rtaid_->address()});
    return RunCommand(args, input, dir_->path());
  }
  static std::vector<std::string> Lines(const std::string& s) {
    return absl::StrSplit(s, '\n', absl::SkipEmpty());
  }
  // A failure is exactly one line "rtai-cli: error: ..." and a non-zero exit.
  static void ExpectError(const CommandResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, StartsWith("rtai-cli: error: "));
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_THAT(r.err, HasSubstr(needle));
  }

  static TempDir* dir_;
  static RtaidProcess* rtaid_;
};
TempDir* RtaiCliTest::dir_ = nullptr;
RtaidProcess* RtaiCliTest::rtaid_ = nullptr;

TEST_F(RtaiCliTest, TopicCreateListDescribeDelete) {
  auto c = Cli({"topic", "create", "orders", "--partitions", "3", "--config",
                "retention.ms=60000"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_THAT(c.out, HasSubstr("created topic orders with 3 partitions"));
  auto l = Cli({"topic", "list"});
  ASSERT_EQ(l.exit_code, 0);
  EXPECT_THAT(Lines(l.out), ::testing::Contains("orders"));
  auto d = Cli({"topic", "describe", "orders"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("partitions 3"));
  EXPECT_THAT(d.out, HasSubstr("retention.ms=60000"));
  EXPECT_THAT(d.out, HasSubstr("partition 2  leader 0  epoch 0"));
  auto del = Cli({"topic", "delete", "orders"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_THAT(Lines(Cli({"topic", "list"}).out),
              ::testing::Not(::testing::Contains("orders")));
}

TEST_F(RtaiCliTest, ProduceWithKeysThenConsumeWithFormat) {
  ASSERT_EQ(Cli({"topic", "create", "kv", "--partitions", "4"}).exit_code, 0);
  auto p = Cli({"produce", "kv", "--key-separator", ":"},
               "alice:1\nbob:2\ncarol:3\nalice:4\n");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_THAT(p.err, HasSubstr("produced 4 records to kv"));
  auto c = Cli({"consume", "kv", "--from-beginning", "--max-messages", "4",
                "--timeout-ms", "10000", "--format", "%k=%v p%p o%o"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<std::string> lines = Lines(c.out);
  const std::set<std::string> got(lines.begin(), lines.end());
  // Expected: Kafka's partitioner places each key; offsets count per partition
  // in input order.
  std::set<std::string> want;
  std::map<int32_t, int64_t> next;
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"alice", "1"}, {"bob", "2"}, {"carol", "3"}, {"alice", "4"}}) {
    const int32_t p = broker::KafkaPartitionForKey(k, 4);
    want.insert(k + "=" + v + " p" + std::to_string(p) + " o" +
                std::to_string(next[p]++));
  }
  EXPECT_EQ(got, want) << c.out;
}

TEST_F(RtaiCliTest, ConsumeOnePartitionFromOffsetAndTimeout) {
  ASSERT_EQ(Cli({"topic", "create", "plain"}).exit_code, 0);
  ASSERT_EQ(Cli({"produce", "plain"}, "a\nb\nc\n").exit_code, 0);
  auto c = Cli({"consume", "plain", "--partition", "0", "--offset", "1",
                "--timeout-ms", "500"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "b\nc\n");
  // Only new records by default: nothing arrives, the timeout ends it.
  auto idle = Cli({"consume", "plain", "--timeout-ms", "300"});
  EXPECT_EQ(idle.exit_code, 0) << idle.err;
  EXPECT_EQ(idle.out, "");
}

TEST_F(RtaiCliTest, ErrorsExitNonZeroWithOneLine) {
  ExpectError(Cli({"topic", "describe", "missing"}), "unknown topic");
  ExpectError(Cli({"topic", "create", "bad/name"}), "illegal character");
  ExpectError(Cli({"topic", "create", "x", "--partitions", "10000"}),
              "out of range");
  ExpectError(Cli({"topic", "create", "x", "--partitions", "many"}), "integer");
  ExpectError(Cli({"topic", "create", "x", "--config", "nokey"}), "key=value");
  ExpectError(Cli({"topic", "create", "x", "--config", "foo=1"}),
              "unknown topic config");
  ExpectError(Cli({"topic", "frobnicate"}), "unknown topic command");
  ExpectError(Cli({"produce"}), "exactly one TOPIC");
  ExpectError(Cli({"produce", "missing"}, "x\n"), "unknown topic");
  ExpectError(Cli({"produce", "missing", "--bogus"}), "unknown option --bogus");
  ExpectError(Cli({"consume", "missing", "--timeout-ms", "100"}),
              "unknown topic");
  ExpectError(Cli({"consume", "x", "--format", "%q"}), "unknown directive");
  ExpectError(Cli({"nonsense"}), "unknown command");
  auto unreachable =
      RunCommand({RTAI_CLI_BINARY, "--server", "127.0.0.1:1", "topic", "list"},
                 "", dir_->path());
  ExpectError(unreachable, "cannot reach rtaid at 127.0.0.1:1");
}

TEST_F(RtaiCliTest, RtaidRefusesBadFlagsClearly) {
  auto no_dir = RunCommand({RTAID_BINARY}, "", dir_->path());
  EXPECT_EQ(no_dir.exit_code, 1);
  EXPECT_THAT(no_dir.err, HasSubstr("--data-dir is required"));
  auto bad_policy = RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/x",
                                "--flush-policy", "sometimes"},
                               "", dir_->path());
  EXPECT_EQ(bad_policy.exit_code, 1);
  EXPECT_THAT(bad_policy.err, HasSubstr("flush.policy"));
  auto bad_segment =
      RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/x",
                  "--log-segment-bytes", "10"},
                 "", dir_->path());
  EXPECT_EQ(bad_segment.exit_code, 1);
  EXPECT_THAT(bad_segment.err, HasSubstr("segment.bytes"));
  auto bad_advertised =
      RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/x",
                  "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
                  "--kafka-advertised", "no-port-here"},
                 "", dir_->path());
  EXPECT_EQ(bad_advertised.exit_code, 1);
  EXPECT_THAT(bad_advertised.err, HasSubstr("--kafka-advertised"));
  auto bad_partitions =
      RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/x",
                  "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
                  "--kafka-num-partitions", "0"},
                 "", dir_->path());
  EXPECT_EQ(bad_partitions.exit_code, 1);
  EXPECT_THAT(bad_partitions.err, HasSubstr("--kafka-* flags"));
  auto busy = RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/y",
                          "--http-listen", "127.0.0.1:0",
                          "--grpc-listen", rtaid_->address()},
                         "", dir_->path());
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.err, HasSubstr("cannot listen"));
  auto same_dir =
      RunCommand({RTAID_BINARY, "--data-dir", dir_->path() + "/data",
                  "--grpc-listen", "127.0.0.1:0"},
                 "", dir_->path());
  EXPECT_EQ(same_dir.exit_code, 1);
  EXPECT_THAT(same_dir.err, HasSubstr("in use by another rtaid"));
}

TEST_F(RtaiCliTest, HelpOnEveryCommand) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"},
                                        {"topic", "--help"},
                                        {"topic", "create", "--help"},
                                        {"topic", "list", "--help"},
                                        {"topic", "describe", "--help"},
                                        {"topic", "delete", "--help"},
                                        {"produce", "--help"},
                                        {"consume", "--help"}}) {
    auto r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << args.back();
    EXPECT_THAT(r.out, StartsWith("usage: rtai-cli")) << args.front();
  }
}

}  // namespace
}  // namespace rtai::testing
