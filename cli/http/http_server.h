#pragma once
// HttpServer: a small, bounded HTTP/1.1 server (Boost.Beast) for rtaid's
// operational endpoints (/metrics, /healthz, /readyz). Plain HTTP by
// default; HTTPS with tls_cert_file/tls_key_file, and every request passes
// options.authorize when set (rtaid: bearer tokens, docs/SECURITY.md).
//
// Limits (all in HttpServerOptions): connections beyond max_connections are
// closed right after accept; a request whose header exceeds
// max_header_bytes is answered 431 and its connection closed; a body over
// max_body_bytes gets 413; a connection idle (or sending a request slower
// than) idle_timeout_ms is closed; only GET and HEAD are served (405
// otherwise, 404 for unknown paths). A malformed request gets 400 and
// closes only its own connection.
//
// Thread safety: Handle() before Start(); Start/Stop from one controlling
// thread. Handlers run on the server's single io thread: keep them short
// and non-blocking. Ownership: handlers' captures must outlive Stop().

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "base/metrics/registry.h"

namespace rtai::cli {

struct HttpRequest;
struct HttpResponse;

struct HttpServerOptions {
  // host:port; port 0 picks a free port. Default: 127.0.0.1:8080.
  std::string listen_address = "127.0.0.1:8080";
  // Open connections at most. Default: 64.
  int32_t max_connections = 64;
  // Request line plus headers at most. Default: 8192 (bytes).
  int32_t max_header_bytes = 8192;
  // Request body at most (GET/HEAD need none). Default: 4096 (bytes).
  int32_t max_body_bytes = 4096;
  // A connection with no complete request within this is closed.
  // Default: 30000 (ms).
  int64_t idle_timeout_ms = 30000;
  // Where the server counts its own requests and connections (nullptr:
  // not counted). Default: nullptr.
  metrics::Registry* metrics = nullptr;
  // PEM certificate chain and key: HTTPS instead of HTTP. Default: "".
  std::string tls_cert_file;
  std::string tls_key_file;
  // Runs before every handler (on the io thread; keep it short): nullopt
  // lets the request through, a response (401, 403) is sent instead. A 401
  // gets "WWW-Authenticate: Bearer". Default: none (everything allowed).
  std::function<std::optional<HttpResponse>(const HttpRequest&)> authorize;

  // kInvalidArgument naming the field that is out of range.
  absl::Status Validate() const;
};

struct HttpRequest {
  std::string method;  // "GET" or "HEAD"
  std::string path;    // target without the query string
  std::string query;   // after '?', may be empty
  std::string authorization;  // the Authorization header, "" when absent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves GET/HEAD of exactly `path` with `handler`. Before Start().
  void Handle(const std::string& path, HttpHandler handler);

  // Binds and starts the io thread. kInvalidArgument (bad options or
  // address), kUnavailable (cannot bind).
  absl::Status Start();
  // Closes the listener and every connection; joins the io thread.
  // Idempotent.
  void Stop();

  // The bound port (resolves port 0) and "host:port", after Start().
  int port() const;
  std::string address() const;
  int open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtai::cli
