#include "broker/kafka/kafka_connection.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "base/byte_order.h"
#include "base/auth/crypto.h"
#include "base/logging.h"

namespace rtai::kafka {

namespace asio = boost::asio;
using boost::system::error_code;

// Smallest request: api key, version, correlation id.
constexpr int32_t kMinRequestBytes = 8;

KafkaConnection::KafkaConnection(KafkaStream stream, Strand strand,
                                 const RequestProcessor* processor, std::shared_ptr<Gate> gate,
                                 std::shared_ptr<MemoryBudget> budget,
                                 int32_t max_request_bytes, int32_t max_inflight,
                                 int64_t idle_timeout_ms, Clock* clock,
                                 const KafkaSecurityOptions* security, LoginThrottle* throttle,
                                 std::function<void(KafkaConnection*)> on_close)
    : stream_(std::move(stream)),
      strand_(std::move(strand)),
      processor_(processor),
      gate_(std::move(gate)),
      budget_(std::move(budget)),
      max_request_bytes_(max_request_bytes),
      max_inflight_(static_cast<size_t>(max_inflight)),
      idle_timeout_ms_(idle_timeout_ms),
      clock_(clock),
      security_(security),
      throttle_(throttle),
      peer_ip_(stream_.PeerAddress()),
      idle_timer_(strand_),
      login_delay_timer_(strand_),
      on_close_(std::move(on_close)) {}

void KafkaConnection::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->Touch();
    self->started_ns_ = self->last_activity_ns_;
    self->ArmIdleTimer(std::min(self->idle_timeout_ms_, self->security_->preauth_timeout_ms));
    self->Handshake();
  });
}

void KafkaConnection::Handshake() {
  if (!stream_.is_tls()) return BeginSession("");
  stream_.async_handshake(asio::bind_executor(strand_, [self = shared_from_this()](error_code ec) {
    if (self->closed_) return;
    if (ec) {
      LogWarning("kafka: TLS handshake failed",
                 {{"peer", self->peer_ip_}, {"error", ec.message()},
                  {"certificate", self->stream_.VerifyError()}});
      return self->CloseNow("TLS handshake failed");
    }
    self->Touch();
    self->BeginSession(self->stream_.PeerCommonName());
  }));
}

void KafkaConnection::BeginSession(std::string tls_principal) {
  session_ = std::make_unique<ConnectionSession>(security_, throttle_, peer_ip_,
                                                 std::move(tls_principal),
                                                 auth::SecureRandomBytes());
  ReadSize();
}

void KafkaConnection::ArmIdleTimer(int64_t delay_ms) {
  idle_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  idle_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->closed_) return;
    const int64_t now_ns = self->clock_->MonotonicNanos();
    const int64_t idle_ms = (now_ns - self->last_activity_ns_) / 1000000;
    int64_t next_ms = self->idle_timeout_ms_ - idle_ms;
    // A failed login closes the connection itself once its delay is over.
    if ((self->session_ == nullptr || !self->session_->authenticated()) &&
        !self->login_delay_started_) {
      const int64_t age_ms = (now_ns - self->started_ns_) / 1000000;
      if (age_ms >= self->security_->preauth_timeout_ms) {
        LogInfo("kafka: closing connection: not authenticated in time",
                {{"peer", self->peer_ip_}, {"age_ms", age_ms}});
        return self->CloseNow("authentication timeout");
      }
      next_ms = std::min(next_ms, self->security_->preauth_timeout_ms - age_ms);
    }
    if (self->inflight_.empty() && !self->writing_ && idle_ms >= self->idle_timeout_ms_) {
      LogInfo("kafka: closing idle connection", {{"idle_ms", idle_ms}});
      return self->CloseNow("idle");
    }
    self->ArmIdleTimer(std::max<int64_t>(1, next_ms));
  });
}

void KafkaConnection::Close() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseNow("server stop"); });
}

void KafkaConnection::CloseNow(const char* why) {
  if (closed_) return;
  closed_ = true;
  stream_.Close();
  idle_timer_.cancel();
  login_delay_timer_.cancel();
  inflight_.clear();
  if (on_close_) on_close_(this);
}

void KafkaConnection::ReadSize() {
  if (closed_ || session_->close_pending()) return;
  reading_ = true;
  asio::async_read(stream_, asio::buffer(size_buf_, sizeof(size_buf_)),
                   asio::bind_executor(strand_, [self = shared_from_this()](error_code ec, size_t) {
                     // reading_ stays true until the body is read: a frame
                     // waiting for memory must not let Flush() start
                     // another read.
                     if (ec) return self->CloseNow("read error or EOF");
                     self->Touch();
                     const int32_t size = LoadBigEndian<int32_t>(self->size_buf_);
                     const int32_t max = self->session_->MaxRequestBytes(self->max_request_bytes_);
                     if (size < kMinRequestBytes || size > max) {
                       LogWarning("kafka: closing connection: bad request size",
                                  {{"peer", self->peer_ip_}, {"size", size}, {"max", max},
                                   {"authenticated", self->session_->authenticated()}});
                       return self->CloseNow("bad size");
                     }
                     self->ChargeThenReadBody(size);
                   }));
}

void KafkaConnection::ChargeThenReadBody(int32_t size) {
  std::weak_ptr<KafkaConnection> weak = weak_from_this();
  // The waiter lives inside the budget: it holds the budget weakly.
  std::weak_ptr<MemoryBudget> weak_budget = budget_;
  const bool now = budget_->AcquireOrWait(size, [weak, gate = gate_, weak_budget, size] {
    bool delivered = false;
    gate->RunIfOpen([&] {
      std::shared_ptr<KafkaConnection> self = weak.lock();
      if (self == nullptr) return;
      delivered = true;
      asio::post(self->strand_, [self, size] {
        if (self->closed_) return self->budget_->Release(size);
        self->ReadBody(size);
      });
    });
    if (!delivered) {
      if (std::shared_ptr<MemoryBudget> budget = weak_budget.lock()) budget->Release(size);
    }
  });
  if (now) ReadBody(size);
}

void KafkaConnection::ReadBody(int32_t size) {
  body_.resize(static_cast<size_t>(size));  // size checked against the limit
  asio::async_read(stream_, asio::buffer(body_.data(), body_.size()),
                   asio::bind_executor(strand_, [self = shared_from_this()](error_code ec, size_t) {
                     self->reading_ = false;
                     if (ec) {
                       self->budget_->Release(static_cast<int64_t>(self->body_.size()));
                       return self->CloseNow("read error");
                     }
                     self->Touch();
                     self->Dispatch();
                   }));
}

void KafkaConnection::DispatchRawToken() {
  budget_->Release(static_cast<int64_t>(body_.size()));
  ConnectionSession::Step step = session_->Authenticate(body_);
  std::string().swap(body_);
  Pending p{next_seq_++, true};
  if (step.error == ErrorCode::kNone) {
    p.frame.emplace(4, '\0');
    StoreBigEndian<int32_t>(p.frame->data(), static_cast<int32_t>(step.bytes.size()));
    *p.frame += step.bytes;
  }  // on failure v0 has no error frame: the connection closes after the delay
  inflight_.push_back(std::move(p));
  Flush();
}

void KafkaConnection::Dispatch() {
  if (closed_) return;
  if (session_->expects_raw_token()) return DispatchRawToken();
  const uint64_t seq = next_seq_++;
  inflight_.push_back(Pending{seq});
  std::weak_ptr<KafkaConnection> weak = weak_from_this();
  const int64_t charged = static_cast<int64_t>(body_.size());
  processor_->Process(body_, session_.get(), [weak, gate = gate_, budget = budget_, charged,
                              seq](RequestProcessor::Outcome outcome) mutable {
    budget->Release(charged);
    gate->RunIfOpen([&] {
      std::shared_ptr<KafkaConnection> self = weak.lock();
      if (self == nullptr) return;
      asio::post(self->strand_, [self, seq, outcome = std::move(outcome)]() mutable {
        self->Complete(seq, std::move(outcome));
      });
    });
  });
  std::string().swap(body_);
  if (inflight_.size() < max_inflight_) ReadSize();
}

void KafkaConnection::Complete(uint64_t seq, RequestProcessor::Outcome outcome) {
  if (closed_) return;
  if (!outcome.ok()) {
    LogWarning("kafka: closing connection: bad request",
               {{"error", std::string(outcome.status().message())}});
    return CloseNow("bad request");
  }
  if (inflight_.empty() || seq < inflight_.front().seq) return;
  Pending& p = inflight_[static_cast<size_t>(seq - inflight_.front().seq)];
  p.done = true;
  p.frame = *std::move(outcome);
  Flush();
}

void KafkaConnection::Flush() {
  if (closed_ || writing_) return;
  if (session_->close_pending() && !login_delay_done_) {
    // A failed login: hold the answer back, then send it and close.
    if (login_delay_started_) return;
    login_delay_started_ = true;
    login_delay_timer_.expires_after(std::chrono::milliseconds(session_->close_delay_ms()));
    login_delay_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->closed_) return;
      self->login_delay_done_ = true;
      self->Flush();
    });
    return;
  }
  while (!inflight_.empty() && inflight_.front().done) {
    if (inflight_.front().frame.has_value()) write_buf_ += *inflight_.front().frame;
    inflight_.pop_front();
  }
  if (!reading_ && inflight_.size() < max_inflight_) ReadSize();
  if (write_buf_.empty()) {
    if (session_->close_pending() && inflight_.empty()) CloseNow("authentication failed");
    return;
  }
  writing_ = true;
  auto buf = std::make_shared<std::string>(std::move(write_buf_));
  write_buf_.clear();
  asio::async_write(stream_, asio::buffer(*buf),
                    asio::bind_executor(strand_, [self = shared_from_this(), buf](error_code ec,
                                                                                  size_t) {
                      self->writing_ = false;
                      if (ec) return self->CloseNow("write error");
                      self->Touch();
                      self->Flush();
                    }));
}

}  // namespace rtai::kafka
