// rtai-cli model ... against a real rtaid process; the registry survives a
// restart of rtaid.

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <string>
#include <vector>

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
         R"("intercept":0,"weights":{"amount":)" + w + "}}";
}

TEST_F(ModelCliTest, RegisterPromoteRollbackAcrossRestart) {
  const std::string m1 = WriteFile("m1.json", Linear("0.5"));
  const std::string m2 = WriteFile("m2.json", Linear("0.75"));
  auto r = Cli({"model", "register", m1, "--name", "fraud", "--metric", "auc=0.9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("registered fraud@1  rtai-linear  sha256 "));
  r = Cli({"model", "register", m1, "--name", "fraud"});
  EXPECT_THAT(r.out, HasSubstr("already registered fraud@1"));
  r = Cli({"model", "register", m2, "--name", "fraud", "--format", "rtai-linear"});
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
  EXPECT_THAT(r.out, HasSubstr("model fraud  champion 2  previous champions [1]"));
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
  ExpectError(Cli({"model", "register", dir_.path() + "/missing", "--name", "m"}),
              "cannot open");
  ExpectError(Cli({"model", "describe", "nope"}), "[NOT_FOUND]");
  ExpectError(Cli({"model", "promote", "nope"}), "NAME@VERSION");
  ExpectError(Cli({"model", "rollback", "nope"}), "no model named");
  ExpectError(Cli({"model", "frobnicate"}), "unknown model command");
}

}  // namespace
}  // namespace rtai::testing
