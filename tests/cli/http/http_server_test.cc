#include "cli/http/http_server.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/http/admin_endpoints.h"
#include "gtest/gtest.h"
#include "tests/cli/http/raw_http_client.h"

namespace rtai::cli {
namespace {

using ::rtai::testing::Body;
using ::rtai::testing::HttpGet;
using ::rtai::testing::RawHttpClient;
using ::rtai::testing::StatusCode;

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.listen_address = "127.0.0.1:0";
    options.metrics = &registry_;
    server_ = std::make_unique<HttpServer>(options);
    registry_.AddCounter("rtai_demo_total", "Demo.")->Increment(3);
    RegisterAdminEndpoints(server_.get(), &registry_, [this] { return ready_.load(); });
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    ASSERT_GT(port_, 0);
  }
  // Polls a condition the server reaches asynchronously (no fixed sleeps).
  template <typename F>
  bool Eventually(F f) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (f()) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return f();
  }

  metrics::Registry registry_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, ServesMetricsInPrometheusFormat) {
  StartServer();
  auto r = HttpGet(port_, "/metrics");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StatusCode(*r), 200);
  EXPECT_NE(r->find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << *r;
  EXPECT_NE(Body(*r).find("# TYPE rtai_demo_total counter\nrtai_demo_total 3\n"),
            std::string::npos);
  // A query string does not change the path.
  auto q = HttpGet(port_, "/metrics?name[]=x");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(StatusCode(*q), 200);
}

TEST_F(HttpServerTest, HealthzAndReadyzFollowState) {
  StartServer();
  auto h = HttpGet(port_, "/healthz");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(StatusCode(*h), 200);
  auto not_ready = HttpGet(port_, "/readyz");
  ASSERT_TRUE(not_ready.ok());
  EXPECT_EQ(StatusCode(*not_ready), 503);
  ready_ = true;
  auto ready = HttpGet(port_, "/readyz");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(StatusCode(*ready), 200);
  EXPECT_EQ(Body(*ready), "ready\n");
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
  StartServer();
  RawHttpClient c;
  ASSERT_TRUE(c.Connect(port_).ok());
  ASSERT_TRUE(c.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  auto head = c.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(StatusCode(*head), 200);
  EXPECT_NE(head->find("Content-Length: 3"), std::string::npos) << *head;
  EXPECT_EQ(Body(*head), "");
  // The next response on the same (keep-alive) connection starts right
  // after the HEAD response: no stray body bytes in between.
  auto get = c.ReadResponse();
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(StatusCode(*get), 200);
  EXPECT_EQ(Body(*get), "ok\n");
}

TEST_F(HttpServerTest, OtherMethodsAre405AndUnknownPaths404) {
  StartServer();
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    auto r = HttpGet(port_, "/metrics", m);
    ASSERT_TRUE(r.ok()) << m;
    EXPECT_EQ(StatusCode(*r), 405) << m;
    EXPECT_NE(r->find("Allow: GET, HEAD"), std::string::npos);
  }
  auto r = HttpGet(port_, "/nope");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(StatusCode(*r), 404);
}

TEST_F(HttpServerTest, MalformedRequestClosesOnlyItsConnection) {
  StartServer();
  RawHttpClient good;
  ASSERT_TRUE(good.Connect(port_).ok());
  for (const std::string bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("GET /metrics HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    RawHttpClient c;
    ASSERT_TRUE(c.Connect(port_).ok());
    ASSERT_TRUE(c.Send(bad).ok());
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(StatusCode(*r), 400) << *r;
    EXPECT_TRUE(c.WaitClosed());
  }
  ASSERT_TRUE(good.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  auto r = good.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StatusCode(*r), 200);
}

TEST_F(HttpServerTest, OversizedHeaderOrBodyIsRefused) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 16;
  StartServer(o);
  RawHttpClient c;
  ASSERT_TRUE(c.Connect(port_).ok());
  // The server may answer and close before all bytes are sent: ignore
  // the send result, check the answer.
  (void)c.Send(absl::StrCat("GET /metrics HTTP/1.1\r\nX-Big: ", std::string(64 * 1024, 'a'),
                            "\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StatusCode(*r), 431);
  RawHttpClient b;
  ASSERT_TRUE(b.Connect(port_).ok());
  ASSERT_TRUE(b.Send(absl::StrCat("GET /metrics HTTP/1.1\r\nContent-Length: 100\r\n\r\n",
                                  std::string(100, 'b')))
                  .ok());
  auto rb = b.ReadResponse();
  ASSERT_TRUE(rb.ok()) << rb.status();
  EXPECT_EQ(StatusCode(*rb), 413);
  EXPECT_TRUE(b.WaitClosed());
}

TEST_F(HttpServerTest, ConnectionLimitRefusesExtraAndRecovers) {
  HttpServerOptions o;
  o.max_connections = 4;
  StartServer(o);
  std::vector<std::unique_ptr<RawHttpClient>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawHttpClient>());
    ASSERT_TRUE(idle.back()->Connect(port_).ok());
  }
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 4; }));
  RawHttpClient extra;
  ASSERT_TRUE(extra.Connect(port_).ok());
  EXPECT_TRUE(extra.WaitClosed());
  // One idle client leaves: a new one is served.
  idle.pop_back();
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 3; }));
  auto r = HttpGet(port_, "/healthz");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StatusCode(*r), 200);
  const std::string text = registry_.RenderText();
  EXPECT_NE(text.find("rtai_http_rejected_connections_total 1\n"), std::string::npos) << text;
}

TEST_F(HttpServerTest, IdleAndSlowConnectionsTimeOut) {
  HttpServerOptions o;
  o.idle_timeout_ms = 200;
  StartServer(o);
  RawHttpClient idle;
  ASSERT_TRUE(idle.Connect(port_).ok());
  RawHttpClient slow;
  ASSERT_TRUE(slow.Connect(port_).ok());
  ASSERT_TRUE(slow.Send("GET /metr").ok());  // never finishes its request
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_TRUE(slow.WaitClosed());
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 0; }));
}

TEST_F(HttpServerTest, StopClosesOpenConnections) {
  StartServer();
  RawHttpClient c;
  ASSERT_TRUE(c.Connect(port_).ok());
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 1; }));
  server_.reset();
  EXPECT_TRUE(c.WaitClosed());
}

TEST(HttpServerOptionsTest, RejectsBadOptionsAndAddresses) {
  HttpServerOptions o;
  o.max_connections = 0;
  EXPECT_EQ(HttpServer(o).Start().code(), absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"nohostport", "127.0.0.1:99999", "localhost:80", ":80"}) {
    HttpServerOptions b;
    b.listen_address = bad;
    EXPECT_EQ(HttpServer(b).Start().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace rtai::cli
