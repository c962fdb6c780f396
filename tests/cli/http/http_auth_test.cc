// HttpServer's authorize hook with the bearer-token authorizer (no TLS
// here: the hook is transport-independent; HTTPS is exercised end to end by
// tests/interop/grpc_http_security_test.py), and an HTTPS server refusing
// plain HTTP.

#include <stdlib.h>

#include <memory>

#include "base/auth/crypto.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "cli/http/admin_endpoints.h"
#include "cli/http/bearer_auth.h"
#include "cli/http/http_server.h"
#include "gtest/gtest.h"
#include "tests/cli/http/raw_http_client.h"

namespace rtai::cli {
namespace {

using ::rtai::testing::Body;
using ::rtai::testing::HttpGet;
using ::rtai::testing::RawHttpClient;
using ::rtai::testing::StatusCode;

class HttpAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rtai_http_auth_XXXXXX";
    dir_ = mkdtemp(tmpl);
    principals_ =
        std::make_unique<auth::PrincipalFile>(JoinPath(dir_, "principals"));
    auto audit =
        auth::AuditLog::Open(JoinPath(dir_, "audit.log"), SystemClock());
    ASSERT_TRUE(audit.ok());
    audit_ = *std::move(audit);
    ASSERT_TRUE(principals_
                    ->Update([this](auth::PrincipalStore* s) {
                      auto viewer = s->AddToken("viewer", {"submit-jobs"},
                                                auth::SecureRandomBytes());
                      auto nobody = s->AddToken("nobody", {"consume:x"},
                                                auth::SecureRandomBytes());
                      if (!viewer.ok()) return viewer.status();
                      if (!nobody.ok()) return nobody.status();
                      viewer_token_ = *viewer;
                      nobody_token_ = *nobody;
                      return absl::OkStatus();
                    })
                    .ok());
    HttpServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.authorize = MakeBearerAuthorizer(principals_.get(), audit_.get());
    server_ = std::make_unique<HttpServer>(options);
    RegisterAdminEndpoints(server_.get(), &registry_, [] { return true; });
    ASSERT_TRUE(server_->Start().ok());
  }
  absl::StatusOr<std::string> Get(const std::string& path,
                                  const std::string& auth) {
    RawHttpClient c;
    if (absl::Status s = c.Connect(server_->port()); !s.ok()) return s;
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n";
    if (!auth.empty()) req += "Authorization: " + auth + "\r\n";
    if (absl::Status s = c.Send(req + "\r\n"); !s.ok()) return s;
    return c.ReadResponse();
  }

  std::string dir_;
  std::unique_ptr<auth::PrincipalFile> principals_;
  std::unique_ptr<auth::AuditLog> audit_;
  metrics::Registry registry_{SystemClock()};
  std::unique_ptr<HttpServer> server_;
  std::string viewer_token_, nobody_token_;
};

TEST_F(HttpAuthTest, ProbesAreOpenEverythingElseNeedsAToken) {
  auto health = HttpGet(server_->port(), "/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(StatusCode(*health), 200);
  auto none = Get("/metrics", "");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(StatusCode(*none), 401);
  EXPECT_NE(none->find("WWW-Authenticate: Bearer"), std::string::npos) << *none;
  EXPECT_EQ(StatusCode(*Get("/metrics", "Basic dXNlcjpwdw==")), 401);
  EXPECT_EQ(StatusCode(*Get("/metrics", "Bearer rtai_wrong")), 401);
  EXPECT_EQ(StatusCode(*Get("/nonexistent", "")),
            401);  // no path probing without a token
  auto forbidden = Get("/metrics", "Bearer " + nobody_token_);
  ASSERT_TRUE(forbidden.ok());
  EXPECT_EQ(StatusCode(*forbidden), 403);
  auto ok = Get("/metrics", "Bearer " + viewer_token_);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(StatusCode(*ok), 200);
  auto audit =
      DefaultFileSystem()->ReadFileToString(JoinPath(dir_, "audit.log"));
  ASSERT_TRUE(audit.ok());
  EXPECT_NE(audit->find(
                "\"principal\":\"nobody\",\"action\":\"http-get\",\"resource\":"
                "\"/metrics\",\"decision\":\"deny\""),
            std::string::npos)
      << *audit;
}

TEST(HttpTlsTest, BadCertificateFilesFailStartWithTheFileName) {
  HttpServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  HttpServer server(options);
  absl::Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("/nonexistent/cert.pem"),
            std::string::npos)
      << s;
  HttpServerOptions half;
  half.tls_cert_file = "x.pem";
  EXPECT_FALSE(half.Validate().ok());
}

}  // namespace
}  // namespace rtai::cli
