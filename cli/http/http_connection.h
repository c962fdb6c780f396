#pragma once
// HttpConnection: one accepted socket of HttpServer (internal). Reads a
// request with Beast's bounded parser, answers it, and keeps the
// connection for the next request (keep-alive) or closes it. Lives as long
// as an async operation holds its shared_ptr; destroying the io_context
// ends it. `Stream` is beast::tcp_stream (plain) or
// beast::ssl_stream<beast::tcp_stream> (TLS: handshake first, within
// idle_timeout_ms).
//
// Thread safety: runs only on the server's io thread.

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "cli/http/http_server.h"

namespace rtai::cli {

// What the server and all its connections share. Owned by HttpServer and
// outlives the io_context (so connection destructors may touch it).
struct HttpServerShared {
  HttpServerOptions options;
  std::map<std::string, HttpHandler> handlers;
  std::atomic<int> open_connections{0};
  metrics::Family<metrics::Counter>* responses = nullptr;  // by code
  metrics::Counter* rejected_connections = nullptr;
  // TLS context when options.tls_cert_file is set; else null.
  std::unique_ptr<boost::asio::ssl::context> tls;
};

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <typename Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  // Counts itself in shared->open_connections until destroyed.
  HttpConnection(boost::asio::ip::tcp::socket socket, HttpServerShared* shared);
  ~HttpConnection();

  void Start();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void ReadRequest();
  void OnRead(boost::beast::error_code ec);
  // Answers a read that failed as a protocol error (4xx, then close).
  void RejectMalformed(boost::beast::error_code ec);
  Response Dispatch(const Request& req);
  void Send(Response res, bool close);
  void Close();

  void ArmTimeout();
  boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(stream_); }

  Stream stream_;
  HttpServerShared* const shared_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<Response> response_;  // alive until its write completes
};

}  // namespace rtai::cli
