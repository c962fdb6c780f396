#include "broker/kafka/kafka_connection.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "base/byte_order.h"
#include "base/logging.h"

namespace rtai::kafka {

namespace asio = boost::asio;
using boost::system::error_code;

// Smallest request: api key, version, correlation id.
constexpr int32_t kMinRequestBytes = 8;

KafkaConnection::KafkaConnection(asio::ip::tcp::socket socket, Strand strand,
                                 const RequestProcessor* processor, std::shared_ptr<Gate> gate,
                                 std::shared_ptr<MemoryBudget> budget,
                                 int32_t max_request_bytes, int32_t max_inflight,
                                 int64_t idle_timeout_ms, Clock* clock,
                                 std::function<void(KafkaConnection*)> on_close)
    : socket_(std::move(socket)),
      strand_(std::move(strand)),
      processor_(processor),
      gate_(std::move(gate)),
      budget_(std::move(budget)),
      max_request_bytes_(max_request_bytes),
      max_inflight_(static_cast<size_t>(max_inflight)),
      idle_timeout_ms_(idle_timeout_ms),
      clock_(clock),
      idle_timer_(strand_),
      on_close_(std::move(on_close)) {}

void KafkaConnection::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->Touch();
    self->ArmIdleTimer(self->idle_timeout_ms_);
    self->ReadSize();
  });
}

void KafkaConnection::ArmIdleTimer(int64_t delay_ms) {
  idle_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  idle_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->closed_) return;
    const int64_t idle_ms = (self->clock_->MonotonicNanos() - self->last_activity_ns_) / 1000000;
    if (self->inflight_.empty() && !self->writing_ && idle_ms >= self->idle_timeout_ms_) {
      LogInfo("kafka: closing idle connection", {{"idle_ms", idle_ms}});
      return self->CloseNow("idle");
    }
    self->ArmIdleTimer(std::max<int64_t>(1, self->idle_timeout_ms_ - idle_ms));
  });
}

void KafkaConnection::Close() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseNow("server stop"); });
}

void KafkaConnection::CloseNow(const char* why) {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  idle_timer_.cancel();
  inflight_.clear();
  if (on_close_) on_close_(this);
}

void KafkaConnection::ReadSize() {
  if (closed_) return;
  reading_ = true;
  asio::async_read(socket_, asio::buffer(size_buf_, sizeof(size_buf_)),
                   asio::bind_executor(strand_, [self = shared_from_this()](error_code ec, size_t) {
                     // reading_ stays true until the body is read: a frame
                     // waiting for memory must not let Flush() start
                     // another read.
                     if (ec) return self->CloseNow("read error or EOF");
                     self->Touch();
                     const int32_t size = LoadBigEndian<int32_t>(self->size_buf_);
                     if (size < kMinRequestBytes || size > self->max_request_bytes_) {
                       LogWarning("kafka: closing connection: bad request size",
                                  {{"size", size}, {"max", self->max_request_bytes_}});
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
  asio::async_read(socket_, asio::buffer(body_.data(), body_.size()),
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

void KafkaConnection::Dispatch() {
  if (closed_) return;
  const uint64_t seq = next_seq_++;
  inflight_.push_back(Pending{seq});
  std::weak_ptr<KafkaConnection> weak = weak_from_this();
  const int64_t charged = static_cast<int64_t>(body_.size());
  processor_->Process(body_, [weak, gate = gate_, budget = budget_, charged,
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
  while (!inflight_.empty() && inflight_.front().done) {
    if (inflight_.front().frame.has_value()) write_buf_ += *inflight_.front().frame;
    inflight_.pop_front();
  }
  if (!reading_ && inflight_.size() < max_inflight_) ReadSize();
  if (write_buf_.empty()) return;
  writing_ = true;
  auto buf = std::make_shared<std::string>(std::move(write_buf_));
  write_buf_.clear();
  asio::async_write(socket_, asio::buffer(*buf),
                    asio::bind_executor(strand_, [self = shared_from_this(), buf](error_code ec,
                                                                                  size_t) {
                      self->writing_ = false;
                      if (ec) return self->CloseNow("write error");
                      self->Touch();
                      self->Flush();
                    }));
}

}  // namespace rtai::kafka
