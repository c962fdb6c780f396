#include "tests/cli/http/raw_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rtai::testing {

RawHttpClient::~RawHttpClient() { Close(); }

void RawHttpClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

absl::Status RawHttpClient::Connect(int port, int recv_timeout_ms) {
  Close();
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return absl::InternalError("socket failed");
  timeval tv{recv_timeout_ms / 1000, (recv_timeout_ms % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect: errno ", errno));
  }
  return absl::OkStatus();
}

absl::Status RawHttpClient::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError(absl::StrCat("send: errno ", errno));
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RawHttpClient::ReadResponse(bool head_request) {
  char buf[65536];
  size_t header_end = std::string::npos;
  size_t total = 0;
  while (true) {
    if (header_end == std::string::npos) {
      header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        total = header_end + 4;
        const std::string headers = absl::AsciiStrToLower(pending_.substr(0, header_end));
        const size_t cl = headers.find("content-length:");
        if (cl != std::string::npos && !head_request) {
          int64_t len = 0;
          const size_t eol = headers.find("\r\n", cl);
          std::string v = headers.substr(cl + 15, eol == std::string::npos ? std::string::npos
                                                                           : eol - cl - 15);
          if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(v), &len)) {
            return absl::DataLossError("bad content-length");
          }
          total += static_cast<size_t>(len);
        }
      }
    }
    if (header_end != std::string::npos && pending_.size() >= total) {
      std::string out = pending_.substr(0, total);
      pending_.erase(0, total);
      return out;
    }
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("connection closed or timed out; got: ", pending_));
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
}

bool RawHttpClient::WaitClosed() {
  char buf[4096];
  while (true) {
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;  // EAGAIN: timeout, still open
  }
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    const std::string& method) {
  RawHttpClient c;
  if (absl::Status s = c.Connect(port); !s.ok()) return s;
  if (absl::Status s = c.Send(absl::StrCat(method, " ", path,
                                           " HTTP/1.1\r\nHost: test\r\n\r\n"));
      !s.ok()) {
    return s;
  }
  return c.ReadResponse(method == "HEAD");
}

int StatusCode(const std::string& response) {
  int code = -1;
  if (response.size() < 12 || response.rfind("HTTP/1.", 0) != 0) return -1;
  if (!absl::SimpleAtoi(response.substr(9, 3), &code)) return -1;
  return code;
}

std::string Body(const std::string& response) {
  const size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

absl::StatusOr<int> HttpPortFromRtaidLog(const std::string& log_path) {
  std::ifstream in(log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string log = ss.str();
  const size_t line = log.rfind("msg=\"rtaid listening\"");
  if (line == std::string::npos) return absl::NotFoundError("no listening line in log");
  const size_t http = log.find(" http=", line);
  const size_t eol = log.find('\n', line);
  if (http == std::string::npos || http > eol) return absl::NotFoundError("no http= field");
  const size_t end = log.find(' ', http + 6);
  const std::string address = log.substr(http + 6, end - http - 6);
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) {
    return absl::DataLossError(absl::StrCat("bad http address ", address));
  }
  return port;
}

}  // namespace rtai::testing
