// Kafka listener security over raw sockets: SASL PLAIN and SCRAM
// (SaslHandshake v0 and v1), the pre-authentication gate and frame limit,
// the failed-login delay, per-IP connection limits, per-topic
// authorization with Kafka error codes, and memory under abuse.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "base/auth/crypto.h"
#include "base/auth/scram.h"
#include "base/file_system.h"
#include "broker/kafka/auth/login_throttle.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/kafka_server.h"
#include "tests/broker/kafka/memory_broker.h"
#include "tests/broker/kafka/test_batches.h"
#include "tests/broker/kafka/test_client.h"

namespace rtai::kafka {
namespace {

using testing::MemoryBroker;
using testing::ParseResponse;
using testing::RequestFrame;
using testing::TestSocket;

int64_t RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Client side of SCRAM (RFC 5802) for the tests.
struct ScramClient {
  auth::ScramMechanism mechanism;
  std::string user, password, nonce = "clientnonce123";
  std::string first_bare, server_first, auth_message, salted;

  std::string First() {
    first_bare = "n=" + user + ",r=" + nonce;
    return "n,," + first_bare;
  }
  std::string Final(const std::string& server_first_message) {
    server_first = server_first_message;
    const std::string r = server_first.substr(2, server_first.find(',') - 2);
    const size_t s_at = server_first.find(",s=") + 3;
    const std::string salt_b64 =
        server_first.substr(s_at, server_first.find(",i=") - s_at);
    const int iterations =
        std::stoi(server_first.substr(server_first.find(",i=") + 3));
    const auth::HashAlgorithm h = auth::MechanismHash(mechanism);
    salted =
        *auth::Pbkdf2(h, password, *auth::Base64Decode(salt_b64), iterations);
    const std::string without_proof = "c=biws,r=" + r;
    auth_message = first_bare + "," + server_first + "," + without_proof;
    const std::string client_key = auth::Hmac(h, salted, "Client Key");
    const std::string signature =
        auth::Hmac(h, auth::Hash(h, client_key), auth_message);
    std::string proof = client_key;
    for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
    return without_proof + ",p=" + auth::Base64Encode(proof);
  }
  std::string ExpectedServerFinal() {
    const auth::HashAlgorithm h = auth::MechanismHash(mechanism);
    return "v=" + auth::Base64Encode(auth::Hmac(
                      h, auth::Hmac(h, salted, "Server Key"), auth_message));
  }
};

// A blocking client socket bound to a chosen loopback source address.
class SourceSocket {
 public:
  bool Connect(const char* source, int port) {
    namespace ip = boost::asio::ip;
    boost::system::error_code ec;
    socket_.open(ip::tcp::v4(), ec);
    if (!ec) socket_.bind({ip::make_address(source), 0}, ec);
    if (!ec)
      socket_.connect(
          {ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
    return !ec;
  }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
};

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rtai_kafka_security_XXXXXX";
    dir_ = mkdtemp(tmpl);
    principals_ = std::make_unique<auth::PrincipalFile>(
        JoinPath(dir_, "security/principals"));
    ASSERT_TRUE(principals_
                    ->Update([](auth::PrincipalStore* s) {
                      auth::RandomBytes random = auth::SecureRandomBytes();
                      absl::Status st = s->SetUser(
                          "alice", "alice-pw",
                          {"produce:orders", "consume:orders"}, random);
                      if (!st.ok()) return st;
                      return s->SetUser("root", "root-pw", {"admin"}, random);
                    })
                    .ok());
    auto audit =
        auth::AuditLog::Open(JoinPath(dir_, "audit.log"), SystemClock());
    ASSERT_TRUE(audit.ok());
    audit_ = *std::move(audit);
    ASSERT_TRUE(broker_.CreateTopic("orders", 1, {}).ok());
    ASSERT_TRUE(broker_.CreateTopic("secret", 1, {}).ok());
  }
  void StartServer(KafkaServerOptions options = {}) {
    options.security.sasl_enabled = true;
    options.security.principals = principals_.get();
    options.security.audit = audit_.get();
    options.security.failed_login_delay_ms = 200;
    server_ = std::make_unique<KafkaServer>(&broker_, options);
    ASSERT_TRUE(server_->Start("127.0.0.1:0").ok());
  }
  static std::string Handshake(int32_t corr, const std::string& mechanism,
                               int16_t v = 1) {
    StructValue req = NewMessage(kSaslHandshakeRequest);
    req.SetStr("Mechanism", mechanism);
    return RequestFrame(ApiKey::kSaslHandshake, v, corr, req);
  }
  static std::string Authenticate(int32_t corr, const std::string& bytes,
                                  int16_t v = 2) {
    StructValue req = NewMessage(kSaslAuthenticateRequest);
    req.SetStr("AuthBytes", bytes);
    return RequestFrame(ApiKey::kSaslAuthenticate, v, corr, req);
  }
  // Handshake + one SaslAuthenticate round trip; the decoded response.
  StructValue Exchange(TestSocket& s, int32_t corr, const std::string& bytes) {
    EXPECT_TRUE(s.Send(Authenticate(corr, bytes)));
    std::optional<std::string> frame = s.ReadFrame();
    EXPECT_TRUE(frame.has_value());
    if (!frame) return NewMessage(kSaslAuthenticateResponse);
    return ParseResponse(ApiKey::kSaslAuthenticate, 2, *frame)->body;
  }
  void LoginPlain(TestSocket& s, const std::string& user,
                  const std::string& pw) {
    ASSERT_TRUE(s.Send(Handshake(1, "PLAIN")));
    auto hs = ParseResponse(ApiKey::kSaslHandshake, 1, *s.ReadFrame());
    ASSERT_TRUE(hs.ok());
    ASSERT_EQ(hs->body.Int("ErrorCode"), 0);
    StructValue r =
        Exchange(s, 2, std::string("\0", 1) + user + std::string("\0", 1) + pw);
    ASSERT_EQ(r.Int("ErrorCode"), 0) << r.Str("ErrorMessage");
  }
  static std::string ProduceTo(int32_t corr,
                               const std::vector<std::string>& topics) {
    StructValue req = NewMessage(kProduceRequest);
    req.SetInt("Acks", 1);
    req.SetInt("TimeoutMs", 1000);
    for (const std::string& topic : topics) {
      StructValue& t = req.AddStruct("Topics");
      t.SetStr("Name", topic);
      StructValue& p = t.AddStruct("Partitions");
      p.SetInt("PartitionIndex", 0);
      p.SetStr("Records", testing::BuildBatch({{"k", "v"}}));
    }
    return RequestFrame(ApiKey::kProduce, 7, corr, req);
  }
  std::string AuditText() {
    return *DefaultFileSystem()->ReadFileToString(JoinPath(dir_, "audit.log"));
  }

  std::string dir_;
  std::unique_ptr<auth::PrincipalFile> principals_;
  std::unique_ptr<auth::AuditLog> audit_;
  MemoryBroker broker_;
  std::unique_ptr<KafkaServer> server_;
};

TEST_F(SecurityTest, OnlyApiVersionsAndSaslBeforeAuthentication) {
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kApiVersions, 3, 1,
                                  NewMessage(kApiVersionsRequest))));
  auto versions = ParseResponse(ApiKey::kApiVersions, 3, *s.ReadFrame());
  ASSERT_TRUE(versions.ok());
  bool has_sasl = false;
  for (const Value& api : versions->body.Array("ApiKeys"))
    has_sasl |= api.as_struct().Int("ApiKey") == 36;
  EXPECT_TRUE(has_sasl);
  ASSERT_TRUE(s.Send(
      RequestFrame(ApiKey::kMetadata, 1, 2, NewMessage(kMetadataRequest))));
  EXPECT_TRUE(s.ClosedByPeer());
}

TEST_F(SecurityTest, PlainLoginThenAuthorizedProduceAndDeniedTopic) {
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  LoginPlain(s, "alice", "alice-pw");
  ASSERT_TRUE(s.Send(ProduceTo(3, {"orders", "secret"})));
  auto r = ParseResponse(ApiKey::kProduce, 7, *s.ReadFrame());
  ASSERT_TRUE(r.ok());
  std::map<std::string, int64_t> errors;
  for (const Value& t : r->body.Array("Responses")) {
    errors[t.as_struct().Str("Name")] =
        t.as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode");
  }
  EXPECT_EQ(errors["orders"], 0);
  EXPECT_EQ(errors["secret"], Code(ErrorCode::kTopicAuthorizationFailed));
  // Only-denied request: answered without the handler.
  ASSERT_TRUE(s.Send(ProduceTo(4, {"secret"})));
  r = ParseResponse(ApiKey::kProduce, 7, *s.ReadFrame());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.Array("Responses")[0]
                .as_struct()
                .Array("Partitions")[0]
                .as_struct()
                .Int("ErrorCode"),
            Code(ErrorCode::kTopicAuthorizationFailed));
  // Fetch of the denied topic.
  StructValue fetch = NewMessage(kFetchRequest);
  fetch.SetInt("ReplicaId", -1);
  fetch.SetInt("MaxWait", 10);
  StructValue& t = fetch.AddStruct("Topics");
  t.SetStr("Name", "secret");
  t.AddStruct("FetchPartitions").SetInt("MaxBytes", 1 << 20);
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kFetch, 11, 5, fetch)));
  auto f = ParseResponse(ApiKey::kFetch, 11, *s.ReadFrame());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->body.Array("Responses")[0]
                .as_struct()
                .Array("PartitionResponses")[0]
                .as_struct()
                .Int("ErrorCode"),
            Code(ErrorCode::kTopicAuthorizationFailed));
  // Metadata (all topics) shows only what alice may see.
  StructValue md = NewMessage(kMetadataRequest);
  md.SetNull("Topics");
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kMetadata, 4, 6, md)));
  auto m = ParseResponse(ApiKey::kMetadata, 4, *s.ReadFrame());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->body.Array("Topics").size(), 1u);
  EXPECT_EQ(m->body.Array("Topics")[0].as_struct().Str("Name"), "orders");
  // CreateTopics needs admin: denied per topic and audited.
  StructValue create = NewMessage(kCreateTopicsRequest);
  StructValue& ct = create.AddStruct("Topics");
  ct.SetStr("Name", "newtopic");
  ct.SetInt("NumPartitions", 1);
  ct.SetInt("ReplicationFactor", 1);
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kCreateTopics, 2, 7, create)));
  auto c = ParseResponse(ApiKey::kCreateTopics, 2, *s.ReadFrame());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->body.Array("Topics")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kTopicAuthorizationFailed));
  EXPECT_NE(
      AuditText().find(
          "\"principal\":\"alice\",\"action\":\"create-topic\",\"resource\":"
          "\"newtopic\",\"decision\":\"deny\""),
      std::string::npos);
}

TEST_F(SecurityTest, GroupApisNeedAConsumeRoleAndInitProducerIdAProduceRole) {
  ASSERT_TRUE(principals_
                  ->Update([](auth::PrincipalStore* s) {
                    return s->SetUser("writer", "writer-pw", {"produce:orders"},
                                      auth::SecureRandomBytes());
                  })
                  .ok());
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  LoginPlain(s, "writer", "writer-pw");
  StructValue fc = NewMessage(kFindCoordinatorRequest);
  fc.SetStr("Key", "g1");
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kFindCoordinator, 1, 3, fc)));
  auto r = ParseResponse(ApiKey::kFindCoordinator, 1, *s.ReadFrame());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.Int("ErrorCode"),
            Code(ErrorCode::kGroupAuthorizationFailed));
  StructValue dg = NewMessage(kDescribeGroupsRequest);
  dg.MutableArray("Groups")->emplace_back(std::string("g1"));
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kDescribeGroups, 1, 4, dg)));
  auto d = ParseResponse(ApiKey::kDescribeGroups, 1, *s.ReadFrame());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->body.Array("Groups").size(), 1u);
  EXPECT_EQ(d->body.Array("Groups")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kGroupAuthorizationFailed));
  StructValue ip = NewMessage(kInitProducerIdRequest);
  ip.SetNull("TransactionalId");
  ip.SetInt("TransactionTimeoutMs", 60000);
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kInitProducerId, 1, 5, ip)));
  auto i = ParseResponse(ApiKey::kInitProducerId, 1, *s.ReadFrame());
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->body.Int("ErrorCode"), 0);
  // alice (consume:orders, produce:orders) may use groups.
  TestSocket a;
  ASSERT_TRUE(a.Connect(server_->port()));
  LoginPlain(a, "alice", "alice-pw");
  ASSERT_TRUE(a.Send(RequestFrame(ApiKey::kFindCoordinator, 1, 3, fc)));
  r = ParseResponse(ApiKey::kFindCoordinator, 1, *a.ReadFrame());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.Int("ErrorCode"), 0);
}

TEST_F(SecurityTest, ScramSha256And512LoginsVerifyTheServer) {
  StartServer();
  for (auto m :
       {auth::ScramMechanism::kSha256, auth::ScramMechanism::kSha512}) {
    TestSocket s;
    ASSERT_TRUE(s.Connect(server_->port()));
    ASSERT_TRUE(s.Send(Handshake(1, std::string(auth::MechanismName(m)))));
    ASSERT_EQ(ParseResponse(ApiKey::kSaslHandshake, 1, *s.ReadFrame())
                  ->body.Int("ErrorCode"),
              0);
    ScramClient client{m, "root", "root-pw"};
    StructValue first = Exchange(s, 2, client.First());
    ASSERT_EQ(first.Int("ErrorCode"), 0);
    StructValue final_message =
        Exchange(s, 3, client.Final(first.Str("AuthBytes")));
    ASSERT_EQ(final_message.Int("ErrorCode"), 0)
        << final_message.Str("ErrorMessage");
    EXPECT_EQ(final_message.Str("AuthBytes"), client.ExpectedServerFinal());
    // Admin may create topics now.
    StructValue create = NewMessage(kCreateTopicsRequest);
    StructValue& ct = create.AddStruct("Topics");
    ct.SetStr("Name",
              std::string("admin-") + std::string(auth::MechanismName(m)));
    ct.SetInt("NumPartitions", 1);
    ct.SetInt("ReplicationFactor", 1);
    ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kCreateTopics, 2, 4, create)));
    auto c = ParseResponse(ApiKey::kCreateTopics, 2, *s.ReadFrame());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->body.Array("Topics")[0].as_struct().Int("ErrorCode"), 0);
  }
  EXPECT_NE(
      AuditText().find("\"principal\":\"root\",\"action\":\"create-topic\""),
      std::string::npos);
}

TEST_F(SecurityTest, WrongPasswordIsAnsweredAfterTheDelayThenClosed) {
  StartServer();
  for (const char* mechanism : {"PLAIN", "SCRAM-SHA-256"}) {
    TestSocket s;
    ASSERT_TRUE(s.Connect(server_->port()));
    ASSERT_TRUE(s.Send(Handshake(1, mechanism)));
    ASSERT_EQ(ParseResponse(ApiKey::kSaslHandshake, 1, *s.ReadFrame())
                  ->body.Int("ErrorCode"),
              0);
    const auto start = std::chrono::steady_clock::now();
    StructValue r;
    if (std::string(mechanism) == "PLAIN") {
      r = Exchange(s, 2, std::string("\0alice\0wrong", 12));
    } else {
      ScramClient client{auth::ScramMechanism::kSha256, "alice", "wrong"};
      StructValue first = Exchange(s, 2, client.First());
      ASSERT_EQ(first.Int("ErrorCode"), 0);
      r = Exchange(s, 3, client.Final(first.Str("AuthBytes")));
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.Int("ErrorCode"), Code(ErrorCode::kSaslAuthenticationFailed));
    EXPECT_NE(r.Str("ErrorMessage").find("invalid user name or password"),
              std::string::npos);
    EXPECT_GE(waited, std::chrono::milliseconds(200));
    EXPECT_TRUE(s.ClosedByPeer());
  }
  EXPECT_NE(AuditText().find("\"action\":\"login\""), std::string::npos);
}

TEST_F(SecurityTest, HandshakeV0CarriesRawTokens) {
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(s.Send(Handshake(1, "PLAIN", 0)));
  auto hs = ParseResponse(ApiKey::kSaslHandshake, 0, *s.ReadFrame());
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(hs->body.Int("ErrorCode"), 0);
  const std::string token = std::string("\0alice\0alice-pw", 15);
  std::string frame(4, '\0');
  StoreBigEndian<int32_t>(frame.data(), static_cast<int32_t>(token.size()));
  ASSERT_TRUE(s.Send(frame + token));
  std::optional<std::string> reply = s.ReadFrame();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->size(), 4u);  // empty server token: success
  ASSERT_TRUE(s.Send(ProduceTo(2, {"orders"})));
  auto r = ParseResponse(ApiKey::kProduce, 7, *s.ReadFrame());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body.Array("Responses")[0]
                .as_struct()
                .Array("Partitions")[0]
                .as_struct()
                .Int("ErrorCode"),
            0);
}

TEST_F(SecurityTest, UnsupportedMechanismAndStateErrors) {
  KafkaServerOptions options;
  options.security.sasl_mechanisms = {"SCRAM-SHA-512"};
  StartServer(options);
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(s.Send(Handshake(1, "PLAIN")));
  auto hs = ParseResponse(ApiKey::kSaslHandshake, 1, *s.ReadFrame());
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(hs->body.Int("ErrorCode"),
            Code(ErrorCode::kUnsupportedSaslMechanism));
  ASSERT_EQ(hs->body.Array("Mechanisms").size(), 1u);
  EXPECT_EQ(hs->body.Array("Mechanisms")[0].as_string(), "SCRAM-SHA-512");
  StructValue r = Exchange(s, 2, "n,,n=alice,r=x");  // no mechanism selected
  EXPECT_EQ(r.Int("ErrorCode"), Code(ErrorCode::kIllegalSaslState));
  EXPECT_TRUE(s.ClosedByPeer());
}

TEST_F(SecurityTest,
       HugeOrLargeFramesBeforeAuthenticationCloseWithoutAllocating) {
  StartServer();
  const int64_t rss_before = RssKiB();
  for (int32_t size : {int32_t{0x7fffffff}, int32_t{100 << 10}}) {
    TestSocket s;
    ASSERT_TRUE(s.Connect(server_->port()));
    std::string prefix(4, '\0');
    StoreBigEndian<int32_t>(prefix.data(), size);
    ASSERT_TRUE(s.Send(prefix + std::string(1000, 'x')));
    EXPECT_TRUE(s.ClosedByPeer()) << size;
  }
  EXPECT_LT(RssKiB() - rss_before, 32 * 1024);
  // Other clients are still served.
  TestSocket ok;
  ASSERT_TRUE(ok.Connect(server_->port()));
  LoginPlain(ok, "alice", "alice-pw");
}

TEST_F(SecurityTest, SlowPartialFrameIsClosedAtThePreauthDeadline) {
  KafkaServerOptions options;
  options.security.preauth_timeout_ms = 300;
  StartServer(options);
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(
      s.Send(std::string("\0\0", 2)));  // half a size prefix, then nothing
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(s.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(SecurityTest, ThousandIdleConnectionsFromOneAddressLeaveOthersServed) {
  KafkaServerOptions options;
  options.security.max_connections_per_ip = 100;
  options.max_connections = 2000;
  StartServer(options);
  const int64_t rss_before = RssKiB();
  std::vector<std::unique_ptr<SourceSocket>> idle;
  int connected = 0;
  for (int i = 0; i < 1000; ++i) {
    auto s = std::make_unique<SourceSocket>();
    if (s->Connect("127.0.0.1", server_->port())) ++connected;
    idle.push_back(std::move(s));
  }
  EXPECT_EQ(connected, 1000);  // TCP accepts; the server closes the excess
  for (int i = 0; i < 200 && server_->connection_count() > 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_LE(server_->connection_count(), 100);
  EXPECT_LT(RssKiB() - rss_before, 64 * 1024);
  // A client from another address is served while they sit there.
  SourceSocket other;
  ASSERT_TRUE(other.Connect("127.0.0.2", server_->port()));
  boost::system::error_code ec;
  boost::asio::write(
      other.socket(),
      boost::asio::buffer(RequestFrame(ApiKey::kApiVersions, 0, 9,
                                       NewMessage(kApiVersionsRequest))),
      ec);
  ASSERT_FALSE(ec);
  char size[4];
  boost::asio::read(other.socket(), boost::asio::buffer(size, 4), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(LoginThrottleTest, DoublesPerFailureCapsAndForgets) {
  FakeClock clock;
  LoginThrottle throttle(&clock, 100, 1000);
  EXPECT_EQ(throttle.OnFailure("a"), 100);
  EXPECT_EQ(throttle.OnFailure("a"), 200);
  EXPECT_EQ(throttle.OnFailure("a"), 400);
  EXPECT_EQ(throttle.OnFailure("b"), 100);
  EXPECT_EQ(throttle.OnFailure("a"), 800);
  EXPECT_EQ(throttle.OnFailure("a"), 1000);
  EXPECT_EQ(throttle.OnFailure("a"), 1000);
  throttle.OnSuccess("a");
  EXPECT_EQ(throttle.OnFailure("a"), 100);
  clock.AdvanceMillis(LoginThrottle::kForgetAfterMs + 1);
  EXPECT_EQ(throttle.OnFailure("a"), 100);
}

}  // namespace
}  // namespace rtai::kafka
