#include "cli/http/http_server.h"

#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/logging.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "cli/http/http_connection.h"

namespace rtai::cli {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

absl::Status HttpServerOptions::Validate() const {
  if (max_connections < 1 || max_connections > 100000) {
    return absl::InvalidArgumentError("http max_connections must be in [1, 100000]");
  }
  if (max_header_bytes < 256 || max_header_bytes > (1 << 20)) {
    return absl::InvalidArgumentError("http max_header_bytes must be in [256, 1 MiB]");
  }
  if (max_body_bytes < 0 || max_body_bytes > (1 << 20)) {
    return absl::InvalidArgumentError("http max_body_bytes must be in [0, 1 MiB]");
  }
  if (idle_timeout_ms < 1) {
    return absl::InvalidArgumentError("http idle_timeout_ms must be >= 1");
  }
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return absl::InvalidArgumentError("http TLS needs both tls_cert_file and tls_key_file");
  }
  return absl::OkStatus();
}

struct HttpServer::Impl {
  // Declared first: outlives the io_context and the connections it holds.
  HttpServerShared shared;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::string host;
  int port = 0;
  bool started = false;
  bool stopped = false;

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (shared.open_connections.load() >= shared.options.max_connections) {
          if (shared.rejected_connections != nullptr) shared.rejected_connections->Increment();
          boost::system::error_code ignored;
          socket.close(ignored);  // over the limit: refuse, keep serving others
        } else {
          if (shared.tls != nullptr) {
            std::make_shared<HttpConnection<TlsStream>>(std::move(socket), &shared)->Start();
          } else {
            std::make_shared<HttpConnection<PlainStream>>(std::move(socket), &shared)->Start();
          }
        }
      }
      Accept();  // transient accept errors (EMFILE) do not stop the listener
    });
  }
};

namespace {

// "host:port" (host may be [v6]) -> host, port.
absl::Status SplitHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen must be HOST:PORT, got \"", address, "\""));
  }
  *host = address.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (!absl::SimpleAtoi(address.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen has a bad port: \"", address, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(const std::string& path, HttpHandler handler) {
  CHECK(!impl_->started);
  impl_->shared.handlers[path] = std::move(handler);
}

absl::Status HttpServer::Start() {
  CHECK(!impl_->started);
  HttpServerShared& shared = impl_->shared;
  if (absl::Status s = shared.options.Validate(); !s.ok()) return s;
  if (!shared.options.tls_cert_file.empty()) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    boost::system::error_code ec;
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1,
                     ec);
    ctx->use_certificate_chain_file(shared.options.tls_cert_file, ec);
    if (!ec) ctx->use_private_key_file(shared.options.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat("HTTP TLS: cannot load '",
                                                     shared.options.tls_cert_file, "' / '",
                                                     shared.options.tls_key_file,
                                                     "': ", ec.message()));
    }
    shared.tls = std::move(ctx);
  }
  int port = 0;
  if (absl::Status s = SplitHostPort(shared.options.listen_address, &impl_->host, &port);
      !s.ok()) {
    return s;
  }
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(impl_->host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen host must be an IP address: ", impl_->host));
  }
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", shared.options.listen_address, ": ", ec.message()));
  }
  impl_->port = acceptor.local_endpoint().port();
  if (metrics::Registry* r = shared.options.metrics; r != nullptr) {
    shared.responses = r->CounterFamily("rtai_http_responses_total",
                                        "HTTP responses of the ops endpoint by status code.",
                                        {"code"}, 64);
    shared.rejected_connections = r->AddCounter(
        "rtai_http_rejected_connections_total",
        "HTTP connections closed at accept because max_connections were open.");
    HttpServerShared* s = &shared;
    r->AddCallbackGauge("rtai_http_open_connections", "Open HTTP connections.",
                        [s] { return static_cast<double>(s->open_connections.load()); });
  }
  impl_->started = true;
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  if (metrics::Registry* r = impl_->shared.options.metrics; r != nullptr) {
    r->RemoveCollector("rtai_http_open_connections");
  }
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->thread.join();
}

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::address() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return v6 ? absl::StrCat("[", impl_->host, "]:", impl_->port)
            : absl::StrCat(impl_->host, ":", impl_->port);
}

int HttpServer::open_connections() const { return impl_->shared.open_connections.load(); }

}  // namespace rtai::cli
