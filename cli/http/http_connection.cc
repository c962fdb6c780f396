#include "cli/http/http_connection.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace rtai::cli {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

bool IsProtocolError(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

template <>
HttpConnection<PlainStream>::HttpConnection(boost::asio::ip::tcp::socket socket,
                                            HttpServerShared* shared)
    : stream_(std::move(socket)),
      shared_(shared),
      buffer_(static_cast<size_t>(shared->options.max_header_bytes) +
              static_cast<size_t>(shared->options.max_body_bytes)) {
  shared_->open_connections.fetch_add(1);
}

template <>
HttpConnection<TlsStream>::HttpConnection(boost::asio::ip::tcp::socket socket,
                                          HttpServerShared* shared)
    : stream_(std::move(socket), *shared->tls),
      shared_(shared),
      buffer_(static_cast<size_t>(shared->options.max_header_bytes) +
              static_cast<size_t>(shared->options.max_body_bytes)) {
  shared_->open_connections.fetch_add(1);
}

template <typename Stream>
HttpConnection<Stream>::~HttpConnection() {
  shared_->open_connections.fetch_sub(1);
}

template <typename Stream>
void HttpConnection<Stream>::ArmTimeout() {
  lowest().expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
}

template <>
void HttpConnection<PlainStream>::Start() {
  ReadRequest();
}

template <>
void HttpConnection<TlsStream>::Start() {
  ArmTimeout();
  stream_.async_handshake(boost::asio::ssl::stream_base::server,
                          [self = shared_from_this()](beast::error_code ec) {
                            if (ec) return self->Close();  // plain HTTP, bad cert, timeout
                            self->ReadRequest();
                          });
}

template <typename Stream>
void HttpConnection<Stream>::ReadRequest() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
  parser_->body_limit(static_cast<uint64_t>(shared_->options.max_body_bytes));
  ArmTimeout();
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code ec, size_t) {
                     self->OnRead(ec);
                   });
}

template <typename Stream>
void HttpConnection<Stream>::OnRead(beast::error_code ec) {
  if (ec) {
    if (IsProtocolError(ec)) return RejectMalformed(ec);
    return Close();  // peer closed, timeout, reset
  }
  const Request& req = parser_->get();
  Response res = Dispatch(req);
  Send(std::move(res), !req.keep_alive());
}

template <typename Stream>
void HttpConnection<Stream>::RejectMalformed(beast::error_code ec) {
  http::status status = http::status::bad_request;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    status = http::status::request_header_fields_too_large;
  } else if (ec == http::error::body_limit) {
    status = http::status::payload_too_large;
  }
  Response res{status, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  const boost::beast::string_view reason = http::obsolete_reason(status);
  res.body() = absl::StrCat(std::string(reason.data(), reason.size()), ": ", ec.message(), "\n");
  res.prepare_payload();
  Send(std::move(res), /*close=*/true);
}

template <typename Stream>
typename HttpConnection<Stream>::Response HttpConnection<Stream>::Dispatch(const Request& req) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::server, "rtaid");
  const bool head = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "method not allowed: only GET and HEAD\n";
    res.prepare_payload();
    return res;
  }
  const std::string target(req.target());
  const size_t q = target.find('?');
  HttpRequest request{head ? "HEAD" : "GET", target.substr(0, q),
                      q == std::string::npos ? "" : target.substr(q + 1)};
  if (auto auth = req.find(http::field::authorization); auth != req.end()) {
    request.authorization = std::string(auth->value());
  }
  std::optional<HttpResponse> refused;
  if (shared_->options.authorize) refused = shared_->options.authorize(request);
  auto it = shared_->handlers.find(request.path);
  HttpResponse out;
  if (refused.has_value()) {
    out = *std::move(refused);
    if (out.status == 401) res.set(http::field::www_authenticate, "Bearer realm=\"rtaid\"");
  } else if (it == shared_->handlers.end()) {
    out.status = 404;
    out.body = "not found\n";
  } else {
    out = it->second(request);
  }
  res.result(static_cast<unsigned>(out.status));
  res.set(http::field::content_type, out.content_type);
  res.content_length(out.body.size());
  if (!head) res.body() = std::move(out.body);
  return res;
}

template <typename Stream>
void HttpConnection<Stream>::Send(Response res, bool close) {
  if (shared_->responses != nullptr) {
    shared_->responses->WithLabels({absl::StrCat(res.result_int())})->Increment();
  }
  res.keep_alive(!close);
  response_.emplace(std::move(res));
  ArmTimeout();
  http::async_write(stream_, *response_,
                    [self = this->shared_from_this(), close](beast::error_code ec, size_t) {
                      self->response_.reset();
                      if (ec || close) return self->Close();
                      self->ReadRequest();
                    });
}

template <typename Stream>
void HttpConnection<Stream>::Close() {
  beast::error_code ignored;
  lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
}

template class HttpConnection<PlainStream>;
template class HttpConnection<TlsStream>;

}  // namespace rtai::cli
