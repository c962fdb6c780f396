#pragma once
// RawHttpClient: a blocking TCP client for HTTP tests that need to send
// exactly the bytes they choose (malformed requests, oversized headers,
// idle connections). Every receive has a timeout so a test never hangs.
// Not thread-safe.

#include <string>

#include "absl/status/statusor.h"

namespace rtai::testing {

class RawHttpClient {
 public:
  RawHttpClient() = default;
  ~RawHttpClient();
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;

  absl::Status Connect(int port, int recv_timeout_ms = 10000);
  absl::Status Send(const std::string& bytes);
  // Reads one response (headers, then Content-Length bytes unless
  // `head_request`). kUnavailable if the peer closed first.
  absl::StatusOr<std::string> ReadResponse(bool head_request = false);
  // True once the peer has closed (reads EOF or a reset) within the
  // receive timeout; discards any bytes read first.
  bool WaitClosed();
  void Close();

 private:
  int fd_ = -1;
  std::string pending_;
};

// One request on a fresh connection; the whole response text.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    const std::string& method = "GET");
// Status code of a response text, -1 if unparsable.
int StatusCode(const std::string& response);
// The body (after the blank line).
std::string Body(const std::string& response);
// The HTTP port from the last `msg="rtaid listening" ... http=HOST:PORT`
// line of an rtaid log file.
absl::StatusOr<int> HttpPortFromRtaidLog(const std::string& log_path);

}  // namespace rtai::testing
