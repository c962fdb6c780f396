// rtai-cli model ... against a real rtaid process; the registry survives a
// restart of rtaid.

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/crash/rtaid_process.h"
#include "tests/testing/temp_dir.h"

namespace rtai::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ModelCliTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(rtaid_.Start("127.0.0.1:0").ok()); }
  void TearDown() override {
    if (rtaid_.running()) rtaid_.Stop(SIGTERM);
  }
  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {RTAI_CLI_BINARY, "--server", rtaid_.address()});
    return RunCommand(args, "", dir_.path());
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static void ExpectError(const CommandResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, StartsWith("rtai-cli: error: "));
    EXPECT_THAT(r.err, HasSubstr(needle));
  }

  TempDir dir_;
  RtaidProcess rtaid_{RTAID_BINARY, dir_.path() + "/data",
                      dir_.path() + "/rtaid.log"};
};

std::string Linear(const std::string& w) {
  return R"({"format":"rtai.linear","version":1,"objective":"binary:logistic",)"
         R"("intercept":0,"weights":{"amount":)" +
         w + "}}";
}

TEST_F(ModelCliTest, RegisterPromoteRollbackAcrossRestart) {
  const std::string m1 = WriteFile("m1.json", Linear("0.5"));
  const std::string m2 = WriteFile("m2.json", Linear("0.75"));
  auto r =
      Cli({"model", "register", m1, "--name", "fraud", "--metric", "auc=0.9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("registered fraud@1  rtai-linear  sha256 "));
  r = Cli({"model", "register", m1, "--name", "fraud"});
  EXPECT_THAT(r.out, HasSubstr("already registered fraud@1"));
  r = Cli(
      {"model", "register", m2, "--name", "fraud", "--format", "rtai-linear"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("registered fraud@2"));
  ASSERT_EQ(Cli({"model", "promote", "fraud@1"}).exit_code, 0);
  r = Cli({"model", "promote", "fraud@2"});
  EXPECT_THAT(r.out, HasSubstr("promoted fraud@2 to champion (was fraud@1)"));
  r = Cli({"model", "list"});
  EXPECT_THAT(r.out, HasSubstr("fraud  champion 2  latest 2  versions 2"));

  // The registry is durable: a restarted rtaid serves the same state.
  ASSERT_EQ(WEXITSTATUS(rtaid_.Stop(SIGTERM)), 0);
  ASSERT_TRUE(rtaid_.Start("127.0.0.1:0").ok());
  r = Cli({"model", "describe", "fraud"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("model fraud  champion 2  previous champions [1]"));
  EXPECT_THAT(r.out, HasSubstr("version 1  archived  rtai-linear"));
  EXPECT_THAT(r.out, HasSubstr("auc=0.9"));
  r = Cli({"model", "rollback", "fraud"});
  EXPECT_THAT(r.out, HasSubstr("champion is now fraud@1 (was fraud@2)"));
  r = Cli({"model", "describe", "fraud@champion"});
  EXPECT_THAT(r.out, HasSubstr("version 1  champion"));
}

TEST_F(ModelCliTest, ErrorsAreOneActionableLine) {
  const std::string bad = WriteFile("bad.json", "{\"learner\": {}}");
  ExpectError(Cli({"model", "register", bad, "--name", "m"}),
              "not a valid xgboost-json model");
  ExpectError(Cli({"model", "register", bad}), "needs --name");
  ExpectError(
      Cli({"model", "register", dir_.path() + "/missing", "--name", "m"}),
      "cannot open");
  ExpectError(Cli({"model", "describe", "nope"}), "[NOT_FOUND]");
  ExpectError(Cli({"model", "promote", "nope"}), "NAME@VERSION");
  ExpectError(Cli({"model", "rollback", "nope"}), "no model named");
  ExpectError(Cli({"model", "frobnicate"}), "unknown model command");
}

TEST_F(ModelCliTest, FraudGenerateProducesTransactionsAndLabels) {
  ASSERT_EQ(
      Cli({"topic", "create", "transactions", "--partitions", "2"}).exit_code,
      0);
  ASSERT_EQ(Cli({"topic", "create", "feedback"}).exit_code, 0);
  auto r = Cli({"fraud", "generate", "--topic", "transactions",
                "--labels-topic", "feedback", "--events", "3000", "--seed", "7",
                "--drift-after", "1500", "--out", dir_.path() + "/a.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("generated 3000 transactions ("));
  EXPECT_THAT(r.out, HasSubstr("and 3000 labels"));
  auto c = Cli({"consume", "transactions", "--from-beginning", "--max-messages",
                "3000", "--timeout-ms", "5000", "--format", "%k %t %v"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<std::string> lines =
      absl::StrSplit(c.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3000u);
  // Keyed by card, stamped with the event time, value = the JSON line.
  for (const std::string& line : lines) {
    const std::vector<std::string> f =
        absl::StrSplit(line, absl::MaxSplits(' ', 2));
    ASSERT_EQ(f.size(), 3u);
    EXPECT_THAT(f[2], HasSubstr("\"card_id\":\"" + f[0] + "\""));
    EXPECT_THAT(f[2], HasSubstr("\"event_time_ms\":" + f[1] + ","));
  }
  auto l = Cli({"consume", "feedback", "--from-beginning", "--max-messages",
                "3000", "--timeout-ms", "5000"});
  EXPECT_EQ(
      std::vector<std::string>(absl::StrSplit(l.out, '\n', absl::SkipEmpty()))
          .size(),
      3000u);
  EXPECT_THAT(l.out, HasSubstr("\"fraud_pattern\":\"small_new_category\""));
  // The same seed writes the same file.
  ASSERT_EQ(Cli({"fraud", "generate", "--events", "3000", "--seed", "7",
                 "--drift-after", "1500", "--out", dir_.path() + "/b.jsonl"})
                .exit_code,
            0);
  std::ifstream a(dir_.path() + "/a.jsonl"), b(dir_.path() + "/b.jsonl");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
  EXPECT_FALSE(sa.str().empty());
  ExpectError(Cli({"fraud", "generate", "--events", "10"}),
              "--topic TOPIC or --out FILE");
  ExpectError(
      Cli({"fraud", "generate", "--out", "/dev/null", "--fraud-rate", "0.9"}),
      "fraud_rate");
  ExpectError(Cli({"fraud", "generate", "--topic", "nope", "--events", "10"}),
              "NOT_FOUND");
}

// The README demo's set-up: generate pre-drift data, train the champion with
// /usr/bin/python3 + libxgboost, register and promote it in rtaid.
TEST_F(ModelCliTest, TrainedFraudChampionRegisters) {
  const std::string d = dir_.path();
  ASSERT_EQ(
      Cli({"fraud", "generate", "--events", "30000", "--drift-after", "30000",
           "--out", d + "/tx.jsonl", "--labels-out", d + "/labels.jsonl"})
          .exit_code,
      0);
  auto t =
      RunCommand({"/usr/bin/python3",
                  std::string(RTAI_SOURCE_DIR) +
                      "/engine/ml/python/train_fraud_champion.py",
                  d + "/tx.jsonl", d + "/labels.jsonl", d + "/champion.json"},
                 "", d, absl::Seconds(300));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  ASSERT_THAT(t.out, StartsWith("auc="));
  EXPECT_GT(std::stod(t.out.substr(4)), 0.95) << t.out;
  auto r = Cli({"model", "register", d + "/champion.json", "--name", "fraud",
                "--metric", "auc=" + t.out.substr(4, 8)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("registered fraud@1  xgboost-json"));
  ASSERT_EQ(Cli({"model", "promote", "fraud@1"}).exit_code, 0);
  // The same model saved as UBJSON by libxgboost; the format is guessed.
  auto u = RunCommand({"/usr/bin/python3", "-c",
                       "import sys, xgboost; b = xgboost.Booster(); "
                       "b.load_model(sys.argv[1]); b.save_model(sys.argv[2])",
                       d + "/champion.json", d + "/champion.ubj"},
                      "", d);
  ASSERT_EQ(u.exit_code, 0) << u.err;
  r = Cli({"model", "register", d + "/champion.ubj", "--name", "fraud"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("registered fraud@2  xgboost-ubj"));
  ExpectError(Cli({"model", "register", d + "/champion.ubj", "--name", "x",
                   "--format", "xgboost-json"}),
              "not a valid xgboost-json model");
  // Unusable input is a clear exit 2.
  auto bad =
      RunCommand({"/usr/bin/python3",
                  std::string(RTAI_SOURCE_DIR) +
                      "/engine/ml/python/train_fraud_champion.py",
                  d + "/labels.jsonl", d + "/labels.jsonl", d + "/x.json"},
                 "", d);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("train_fraud_champion: "));
}

}  // namespace
}  // namespace rtai::testing
