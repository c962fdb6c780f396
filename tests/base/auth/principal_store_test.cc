#include "base/auth/principal_store.h"

#include <unistd.h>

#include "base/auth/audit_log.h"
#include "base/auth/authorizer.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "gtest/gtest.h"

namespace rtai::auth {
namespace {

// Deterministic "random" bytes for reproducible salts and tokens.
RandomBytes CountingBytes() {
  auto counter = std::make_shared<int>(0);
  return [counter](size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>((*counter)++);
    return out;
  };
}

std::string TempDir() {
  char tmpl[] = "/tmp/rtai_auth_test_XXXXXX";
  char* dir = mkdtemp(tmpl);
  EXPECT_NE(dir, nullptr);
  return dir;
}

TEST(PrincipalStoreTest, RoundTripsThroughTextWithoutPasswords) {
  PrincipalStore store;
  RandomBytes random = CountingBytes();
  ASSERT_TRUE(store
                  .SetUser("alice", "s3cret-pw",
                           {"produce:orders", "consume:*"}, random)
                  .ok());
  absl::StatusOr<std::string> token =
      store.AddToken("ci-bot", {"submit-jobs"}, random);
  ASSERT_TRUE(token.ok());
  const std::string text = store.Serialize();
  EXPECT_EQ(text.find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(text.find(*token), std::string::npos);
  absl::StatusOr<PrincipalStore> back = PrincipalStore::Parse(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->Serialize(), text);
  const Principal* alice = back->Find("alice");
  ASSERT_NE(alice, nullptr);
  ASSERT_TRUE(alice->scram_sha512.has_value());
  EXPECT_TRUE(VerifyPassword(ScramMechanism::kSha256, *alice->scram_sha256,
                             "s3cret-pw"));
  EXPECT_TRUE(VerifyPassword(ScramMechanism::kSha512, *alice->scram_sha512,
                             "s3cret-pw"));
  EXPECT_NE(alice->scram_sha256->salt, alice->scram_sha512->salt);
  const Principal* bot = back->FindByToken(*token);
  ASSERT_NE(bot, nullptr);
  EXPECT_EQ(bot->name, "ci-bot");
  EXPECT_EQ(back->FindByToken(*token + "x"), nullptr);
  EXPECT_EQ(back->FindByToken(""), nullptr);
}

TEST(PrincipalStoreTest, RejectsBadNamesRolesAndCorruptFiles) {
  PrincipalStore store;
  RandomBytes random = CountingBytes();
  EXPECT_FALSE(store.SetUser("bad name", "pw", {}, random).ok());
  EXPECT_FALSE(store.SetUser("", "pw", {}, random).ok());
  EXPECT_FALSE(store.SetUser(std::string(129, 'a'), "pw", {}, random).ok());
  EXPECT_FALSE(store.SetUser("bob", "", {}, random).ok());
  EXPECT_FALSE(store.SetUser("bob", "pw", {"root"}, random).ok());
  EXPECT_FALSE(store.SetUser("bob", "pw", {"produce:"}, random).ok());
  EXPECT_FALSE(store.SetUser("bob", "pw", {"produce:a b"}, random).ok());
  EXPECT_TRUE(store.SetUser("bob", "pw", {"produce:*"}, random).ok());
  EXPECT_EQ(store.Delete("nobody").code(), absl::StatusCode::kNotFound);

  const char* corrupt[] = {
      "not a header\n",
      "rtai-principals 1\nprincipal bob\n",
      "rtai-principals 1\nscram bob SCRAM-SHA-256 4096 AAAA AAAA AAAA\n",
      "rtai-principals 1\nprincipal bob -\nscram bob SCRAM-SHA-1 4096 AAAA "
      "AAAA AAAA\n",
      "rtai-principals 1\nprincipal bob -\nscram bob SCRAM-SHA-256 10 AAAA "
      "AAAA AAAA\n",
      "rtai-principals 1\nprincipal bob -\nscram bob SCRAM-SHA-256 4096 AAAA "
      "AAAA AAAA\n",
      "rtai-principals 1\nprincipal bob -\ntoken bob abc\n",
      "rtai-principals 1\nprincipal bob superuser\n",
  };
  for (const char* text : corrupt) {
    EXPECT_EQ(PrincipalStore::Parse(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_TRUE(PrincipalStore::Parse("").ok());
}

TEST(PrincipalFileTest,
     UpdateIsSeenByAnotherInstanceAndBadRewriteKeepsOldContents) {
  const std::string path = JoinPath(TempDir(), "security/principals");
  PrincipalFile writer(path);
  PrincipalFile reader(path);
  ASSERT_TRUE(reader.Refresh().ok());
  EXPECT_TRUE(reader.Get()->List().empty());
  RandomBytes random = CountingBytes();
  ASSERT_TRUE(writer
                  .Update([&](PrincipalStore* s) {
                    return s->SetUser("alice", "pw", {"admin"}, random);
                  })
                  .ok());
  ASSERT_TRUE(reader.Refresh().ok());
  ASSERT_NE(reader.Get()->Find("alice"), nullptr);
  // A failing edit writes nothing.
  EXPECT_FALSE(
      writer.Update([](PrincipalStore* s) { return s->Delete("nobody"); })
          .ok());
  ASSERT_TRUE(
      writer.Update([](PrincipalStore* s) { return s->Delete("alice"); }).ok());
  ASSERT_TRUE(reader.Refresh().ok());
  EXPECT_EQ(reader.Get()->Find("alice"), nullptr);
  // A corrupt file on disk: Refresh reports it and keeps the last good store.
  ASSERT_TRUE(writer
                  .Update([&](PrincipalStore* s) {
                    return s->SetUser("carol", "pw", {}, random);
                  })
                  .ok());
  ASSERT_TRUE(reader.Refresh().ok());
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, "garbage\n").ok());
  EXPECT_FALSE(reader.Refresh().ok());
  EXPECT_NE(reader.Get()->Find("carol"), nullptr);
}

TEST(AuthorizerTest, DenyByDefaultAndRolesGrantOnlyTheirActions) {
  Principal p{"p", {"produce:orders", "consume:logs-*"}};
  EXPECT_FALSE(IsAllowed(nullptr, Action::kProduce, "orders"));
  EXPECT_TRUE(IsAllowed(&p, Action::kProduce, "orders"));
  EXPECT_FALSE(IsAllowed(&p, Action::kProduce, "orders2"));
  EXPECT_FALSE(IsAllowed(&p, Action::kConsume, "orders"));
  EXPECT_TRUE(IsAllowed(&p, Action::kConsume, "logs-eu"));
  EXPECT_FALSE(IsAllowed(&p, Action::kProduce, "logs-eu"));
  EXPECT_TRUE(IsAllowed(&p, Action::kDescribeTopic, "orders"));
  EXPECT_FALSE(IsAllowed(&p, Action::kDescribeTopic, "secret"));
  EXPECT_FALSE(IsAllowed(&p, Action::kSubmitJob));
  EXPECT_FALSE(IsAllowed(&p, Action::kAdmin));
  Principal jobs{"j", {"submit-jobs"}};
  EXPECT_TRUE(IsAllowed(&jobs, Action::kSubmitJob));
  EXPECT_TRUE(IsAllowed(&jobs, Action::kViewJobs));
  EXPECT_FALSE(IsAllowed(&jobs, Action::kAdmin));
  EXPECT_FALSE(IsAllowed(&jobs, Action::kProduce, "orders"));
  Principal admin{"a", {"admin"}};
  EXPECT_TRUE(IsAllowed(&admin, Action::kAdmin));
  EXPECT_TRUE(IsAllowed(&admin, Action::kProduce, "anything"));
  Principal none{"n", {}};
  EXPECT_FALSE(IsAllowed(&none, Action::kViewJobs));
  Principal all{"x", {"consume:*"}};
  EXPECT_TRUE(IsAllowed(&all, Action::kConsume, "whatever"));
}

TEST(AuditLogTest, AppendsOneEscapedJsonLinePerDecision) {
  const std::string path = JoinPath(TempDir(), "audit/audit.log");
  FakeClock clock(1234);
  {
    absl::StatusOr<std::unique_ptr<AuditLog>> log =
        AuditLog::Open(path, &clock);
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Record({"alice", "submit-job", "job \"x\"\n", true, "grpc", ""});
  }
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(path, &clock);
  ASSERT_TRUE(log.ok());
  (*log)->Record(
      {"", "admin", std::string(2000, 'r'), false, "http", "no token"});
  absl::StatusOr<std::string> text =
      DefaultFileSystem()->ReadFileToString(path);
  ASSERT_TRUE(text.ok());
  const size_t nl = text->find('\n');
  EXPECT_EQ(text->substr(0, nl),
            "{\"ts_ms\":1234,\"principal\":\"alice\",\"action\":\"submit-job\","
            "\"resource\":"
            "\"job "
            "\\\"x\\\"\\u000a\",\"decision\":\"allow\",\"source\":\"grpc\","
            "\"detail\":\"\"}");
  const std::string second = text->substr(nl + 1);
  EXPECT_NE(second.find("\"decision\":\"deny\""), std::string::npos);
  EXPECT_LT(second.size(), 700u);  // resource truncated to 512 bytes
  EXPECT_EQ(second.back(), '\n');
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 2);
}

}  // namespace
}  // namespace rtai::auth
