#pragma once
// KafkaStream: a client connection's byte stream, plain TCP or TLS
// (OpenSSL through boost::asio::ssl), behind one interface so
// KafkaConnection reads frames the same way on PLAINTEXT, SSL,
// SASL_PLAINTEXT and SASL_SSL listeners. Satisfies Asio's AsyncReadStream
// and AsyncWriteStream (async_read / async_write work on it).
//
// Thread safety: like an Asio socket — one outstanding read and one
// outstanding write, from the connection's strand.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace rtai::kafka {

class KafkaStream {
 public:
  using Tcp = boost::asio::ip::tcp::socket;
  using Tls = boost::asio::ssl::stream<Tcp>;
  using executor_type = Tcp::executor_type;

  explicit KafkaStream(Tcp socket) : tcp_(std::move(socket)) {}
  // TLS over `socket`; `context` must outlive the stream.
  KafkaStream(Tcp socket, boost::asio::ssl::context& context)
      : tls_(std::make_unique<Tls>(std::move(socket), context)) {}

  bool is_tls() const { return tls_ != nullptr; }
  executor_type get_executor() { return lowest().get_executor(); }
  Tcp& lowest() { return tls_ ? tls_->next_layer() : *tcp_; }

  template <typename Buffers, typename Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_)
      return tls_->async_read_some(buffers, std::forward<Handler>(handler));
    tcp_->async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <typename Buffers, typename Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_)
      return tls_->async_write_some(buffers, std::forward<Handler>(handler));
    tcp_->async_write_some(buffers, std::forward<Handler>(handler));
  }
  // Server side of the TLS handshake (TLS streams only).
  template <typename Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(boost::asio::ssl::stream_base::server,
                          std::forward<Handler>(handler));
  }

  // The client certificate's subject CN after a verified handshake, or "".
  std::string PeerCommonName();
  // Why OpenSSL rejected the peer's certificate ("certificate has
  // expired", ...), or "" when it did not.
  std::string VerifyError();
  // The peer's IP address as text ("" when unknown).
  std::string PeerAddress();
  // Shuts down and closes the socket, ignoring errors.
  void Close();

 private:
  std::optional<Tcp> tcp_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace rtai::kafka
