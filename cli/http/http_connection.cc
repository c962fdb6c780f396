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

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket, HttpServerShared* shared)
    : stream_(std::move(socket)),
      shared_(shared),
      buffer_(static_cast<size_t>(shared->options.max_header_bytes) +
              static_cast<size_t>(shared->options.max_body_bytes)) {
  shared_->open_connections.fetch_add(1);
}

HttpConnection::~HttpConnection() { shared_->open_connections.fetch_sub(1); }

void HttpConnection::ReadRequest() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
  parser_->body_limit(static_cast<uint64_t>(shared_->options.max_body_bytes));
  stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->OnRead(ec);
                   });
}

void HttpConnection::OnRead(beast::error_code ec) {
  if (ec) {
    if (IsProtocolError(ec)) return RejectMalformed(ec);
    return Close();  // peer closed, timeout, reset
  }
  const Request& req = parser_->get();
  Response res = Dispatch(req);
  Send(std::move(res), !req.keep_alive());
}

void HttpConnection::RejectMalformed(beast::error_code ec) {
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

HttpConnection::Response HttpConnection::Dispatch(const Request& req) {
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
  auto it = shared_->handlers.find(request.path);
  HttpResponse out;
  if (it == shared_->handlers.end()) {
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

void HttpConnection::Send(Response res, bool close) {
  if (shared_->responses != nullptr) {
    shared_->responses->WithLabels({absl::StrCat(res.result_int())})->Increment();
  }
  res.keep_alive(!close);
  response_.emplace(std::move(res));
  stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), close](beast::error_code ec, size_t) {
                      self->response_.reset();
                      if (ec || close) return self->Close();
                      self->ReadRequest();
                    });
}

void HttpConnection::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace rtai::cli
