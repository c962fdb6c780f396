#pragma once
// KafkaConnection: one client socket. Reads size-prefixed frames (the size
// is checked against max_request_bytes and charged against the server's
// MemoryBudget before the body is allocated; while the budget is spent the
// connection waits and reads nothing more), hands
// each to the RequestProcessor, and writes responses strictly in request
// order even when they complete out of order (pipelining). At most
// max_inflight_requests are outstanding; beyond that the connection stops
// reading until responses go out. A malformed frame closes this connection
// only.
//
// Security (auth/kafka_security_options.h): on a TLS listener the TLS
// handshake comes first; every connection has a ConnectionSession, and
// until it is authenticated frames are limited to
// max_preauth_request_bytes, only ApiVersions and the SASL APIs are
// served, and the connection must authenticate within preauth_timeout_ms.
// A failed login is answered after the LoginThrottle's delay, then the
// connection closes.
//
// Thread safety: all state is touched only on the connection's strand;
// processor callbacks (any thread) go through the server's Gate, which
// drops them once the server stops. Owned by shared_ptr: the server's
// connection set and in-flight operations keep it alive.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "broker/kafka/auth/connection_session.h"
#include "broker/kafka/auth/login_throttle.h"
#include "broker/kafka/kafka_stream.h"
#include "broker/kafka/memory_budget.h"
#include "broker/kafka/request_processor.h"

namespace rtai::kafka {

// Lets callbacks from broker threads reach a connection only while the
// server runs, so nothing is posted to a destroyed io_context.
class Gate {
 public:
  // Runs `fn` under the gate's lock unless the server stopped.
  template <typename Fn>
  void RunIfOpen(Fn&& fn) {
    absl::MutexLock lock(&mu_);
    if (open_) fn();
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
};

class KafkaConnection : public std::enable_shared_from_this<KafkaConnection> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // `processor`, `security` and `throttle` must outlive the connection's
  // activity (the server joins its threads before destroying it).
  // `on_close` runs once on the strand.
  KafkaConnection(KafkaStream stream, Strand strand, const RequestProcessor* processor,
                  std::shared_ptr<Gate> gate, std::shared_ptr<MemoryBudget> budget,
                  int32_t max_request_bytes, int32_t max_inflight, int64_t idle_timeout_ms,
                  Clock* clock, const KafkaSecurityOptions* security, LoginThrottle* throttle,
                  std::function<void(KafkaConnection*)> on_close);

  // Starts reading. Call once.
  void Start();
  // Closes the socket (posted to the strand). Idempotent.
  void Close();
  // The client's IP address, fixed at construction.
  const std::string& peer_ip() const { return peer_ip_; }

 private:
  struct Pending {
    uint64_t seq;
    bool done = false;
    std::optional<std::string> frame;  // nullopt: no response due
  };

  // TLS: handshake, then the session; plain: the session at once.
  void Handshake();
  void BeginSession(std::string tls_principal);
  // A bare SASL token after SaslHandshake v0.
  void DispatchRawToken();
  void ReadSize();
  // Charges `size` against the budget (waiting if needed), then reads.
  void ChargeThenReadBody(int32_t size);
  void ReadBody(int32_t size);
  void Dispatch();
  void Complete(uint64_t seq, RequestProcessor::Outcome outcome);
  void Flush();
  void CloseNow(const char* why);
  // Closes the connection once it has been idle for idle_timeout_ms.
  void ArmIdleTimer(int64_t delay_ms);
  void Touch() { last_activity_ns_ = clock_->MonotonicNanos(); }

  KafkaStream stream_;
  Strand strand_;
  const RequestProcessor* processor_;
  std::shared_ptr<Gate> gate_;
  std::shared_ptr<MemoryBudget> budget_;
  const int32_t max_request_bytes_;
  const size_t max_inflight_;
  const int64_t idle_timeout_ms_;
  Clock* const clock_;
  const KafkaSecurityOptions* security_;
  LoginThrottle* throttle_;
  const std::string peer_ip_;
  std::unique_ptr<ConnectionSession> session_;  // null until the TLS handshake is done
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer login_delay_timer_;
  bool login_delay_started_ = false;
  bool login_delay_done_ = false;
  int64_t started_ns_ = 0;
  int64_t last_activity_ns_ = 0;
  std::function<void(KafkaConnection*)> on_close_;

  char size_buf_[4];
  std::string body_;  // charged against budget_ while it holds a request
  std::deque<Pending> inflight_;
  uint64_t next_seq_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool closed_ = false;
  std::string write_buf_;
};

}  // namespace rtai::kafka
