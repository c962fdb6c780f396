#pragma once
// Test helpers: build request frames with the codec and parse response
// frames, and a blocking TCP client (Asio, error_code overloads).

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string>

#include "base/byte_order.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/request_header.h"

namespace rtai::kafka::testing {

// Size prefix + header + body of a request.
inline std::string RequestFrame(ApiKey key, int16_t version, int32_t correlation_id,
                                const StructValue& body) {
  const int16_t k = static_cast<int16_t>(key);
  std::string frame(4, '\0');
  RequestHeader h{k, version, correlation_id, std::string("test-client")};
  EncodeRequestHeader(h, RequestHeaderVersion(k, version), &frame);
  EncodeMessage(*FindApiSchema(k)->request, version, body, &frame);
  StoreBigEndian<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
  return frame;
}

struct ParsedResponse {
  int32_t correlation_id = 0;
  StructValue body;
};

// Parses a full response frame (with size prefix) of `key` at `version`.
inline absl::StatusOr<ParsedResponse> ParseResponse(ApiKey key, int16_t version,
                                                    const std::string& frame) {
  if (frame.size() < 8) return absl::InvalidArgumentError("short response frame");
  const int16_t k = static_cast<int16_t>(key);
  ParsedResponse r;
  r.correlation_id = LoadBigEndian<int32_t>(frame.data() + 4);
  size_t header = 4;
  if (ResponseHeaderVersion(k, version) == 1) {
    if (frame.size() < 9 || frame[8] != 0) return absl::InvalidArgumentError("tagged header");
    header = 5;
  }
  absl::StatusOr<StructValue> body = DecodeMessage(
      *FindApiSchema(k)->response, version, std::string_view(frame).substr(4 + header));
  if (!body.ok()) return body.status();
  r.body = *std::move(body);
  return r;
}

class TestSocket {
 public:
  bool Connect(int port) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)},
                    ec);
    return !ec;
  }
  bool Send(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    return !ec;
  }
  // One response frame (with size prefix), or nullopt on EOF/error.
  std::optional<std::string> ReadFrame() {
    boost::system::error_code ec;
    std::string frame(4, '\0');
    boost::asio::read(socket_, boost::asio::buffer(frame.data(), 4), ec);
    if (ec) return std::nullopt;
    const int32_t size = LoadBigEndian<int32_t>(frame.data());
    if (size < 0 || size > (64 << 20)) return std::nullopt;
    frame.resize(4 + static_cast<size_t>(size));
    boost::asio::read(socket_, boost::asio::buffer(frame.data() + 4, size), ec);
    if (ec) return std::nullopt;
    return frame;
  }
  // True when the peer closed the connection (read returns EOF/error).
  bool ClosedByPeer() {
    boost::system::error_code ec;
    char c;
    boost::asio::read(socket_, boost::asio::buffer(&c, 1), ec);
    return static_cast<bool>(ec);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
};

}  // namespace rtai::kafka::testing
