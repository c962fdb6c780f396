#include "broker/kafka/kafka_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "broker/kafka/kafka_connection.h"
#include "broker/kafka/kafka_metrics.h"
#include "broker/kafka/request_processor.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

absl::Status ParseHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected HOST:PORT, got '", address, "'"));
  }
  std::string h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &p) || p < 0 || p > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port in '", address, "'"));
  }
  *host = h.empty() ? "0.0.0.0" : h;
  *port = p;
  return absl::OkStatus();
}

struct KafkaServer::Impl {
  Impl(broker::Broker* b, KafkaServerOptions o, Clock* clock)
      : broker(b),
        clock(clock),
        options(std::make_shared<const KafkaServerOptions>(std::move(o))),
        groups(options->groups, clock),
        offset_store(options->persist_offsets ? std::make_unique<OffsetStore>(b, clock)
                                              : nullptr),
        admin_pool(static_cast<size_t>(options->admin_threads)),
        processor(
            b, &groups, options,
            [this](absl::AnyInvocable<void()> task) { asio::post(admin_pool, std::move(task)); },
            offset_store.get()),
        acceptor(io),
        tick_timer(io),
        gate(std::make_shared<Gate>()),
        budget(std::make_shared<MemoryBudget>(options->max_inflight_request_bytes)),
        throttle(clock, options->security.failed_login_delay_ms,
                 options->security.failed_login_delay_max_ms) {}

  void Accept();
  void ScheduleTick();
  void OnClose(KafkaConnection* c);
  // Admits `socket` (limits) and starts its connection, or closes it.
  void Admit(tcp::socket socket);

  broker::Broker* broker;
  Clock* clock;
  std::shared_ptr<const KafkaServerOptions> options;
  GroupCoordinator groups;
  TxnOffsetBuffer txn_offsets;  // offsets of open transactions
  std::unique_ptr<OffsetStore> offset_store;  // null: commits in memory only
  asio::thread_pool admin_pool;
  RequestProcessor processor;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  asio::steady_timer tick_timer;
  std::shared_ptr<Gate> gate;
  std::shared_ptr<MemoryBudget> budget;
  LoginThrottle throttle;
  std::unique_ptr<asio::ssl::context> tls;  // null: plaintext listener
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;
  mutable absl::Mutex mu;
  absl::flat_hash_map<KafkaConnection*, std::shared_ptr<KafkaConnection>> connections
      ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, int32_t> connections_per_ip ABSL_GUARDED_BY(mu);
};

namespace {

// Builds the TLS context from PEM files (errors name the file).
absl::StatusOr<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const KafkaSecurityOptions& o) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  auto fail = [&](const char* what, const std::string& file) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS: cannot load ", what, " '", file, "': ", ec.message()));
  };
  ctx->use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) return fail("certificate chain", o.tls_cert_file);
  ctx->use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) return fail("private key", o.tls_key_file);
  if (!o.tls_client_ca_file.empty()) {
    ctx->load_verify_file(o.tls_client_ca_file, ec);
    if (ec) return fail("client CA bundle", o.tls_client_ca_file);
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
  }
  return ctx;
}

}  // namespace

void KafkaServer::Impl::Accept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      LogWarning("kafka: accept failed", {{"error", ec.message()}});
      return Accept();
    }
    Admit(std::move(socket));
    Accept();
  });
}

void KafkaServer::Impl::Admit(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  const std::string ip = ec ? std::string() : peer.address().to_string();
  const int32_t per_ip_max = options->security.max_connections_per_ip;
  std::shared_ptr<KafkaConnection> conn;
  {
    absl::MutexLock lock(&mu);
    const char* refused = nullptr;
    if (static_cast<int32_t>(connections.size()) >= options->max_connections) {
      refused = "max_connections reached";
    } else if (per_ip_max > 0 && connections_per_ip[ip] >= per_ip_max) {
      refused = "max_connections_per_ip reached";
    }
    if (refused != nullptr) {
      LogWarning("kafka: connection refused", {{"reason", refused}, {"peer", ip}});
      error_code ignored;
      socket.close(ignored);
      return;
    }
    auto strand = asio::make_strand(io);
    KafkaStream stream = tls != nullptr ? KafkaStream(std::move(socket), *tls)
                                        : KafkaStream(std::move(socket));
    conn = std::make_shared<KafkaConnection>(
        std::move(stream), strand, &processor, gate, budget, options->max_request_bytes,
        options->max_inflight_requests, options->connection_idle_timeout_ms, clock,
        &options->security, &throttle, [this](KafkaConnection* c) { OnClose(c); });
    connections[conn.get()] = conn;
    ++connections_per_ip[conn->peer_ip()];
  }
  conn->Start();
}

// Group sessions and rebalance deadlines are checked every 100 ms on an io
// thread (in memory only: the coordinator never touches disk).
void KafkaServer::Impl::ScheduleTick() {
  tick_timer.expires_after(std::chrono::milliseconds(100));
  tick_timer.async_wait([this](error_code ec) {
    if (ec) return;
    groups.Tick();
    ScheduleTick();
  });
}

void KafkaServer::Impl::OnClose(KafkaConnection* c) {
  std::shared_ptr<KafkaConnection> keep;  // released outside the lock
  absl::MutexLock lock(&mu);
  auto it = connections.find(c);
  if (it == connections.end()) return;
  keep = std::move(it->second);
  connections.erase(it);
  auto ip = connections_per_ip.find(keep->peer_ip());
  if (ip != connections_per_ip.end() && --ip->second <= 0) connections_per_ip.erase(ip);
}

KafkaServer::KafkaServer(broker::Broker* broker, KafkaServerOptions options, Clock* clock)
    : impl_(std::make_unique<Impl>(broker, std::move(options), clock)) {}

KafkaServer::~KafkaServer() {
  Stop();
  if (broker::txn::TransactionCoordinator* c = impl_->broker->transactions()) {
    c->SetCompletionListener(nullptr);
  }
}

absl::Status KafkaServer::Start(const std::string& address) {
  if (impl_->started) return absl::FailedPreconditionError("KafkaServer already started");
  if (absl::Status s = impl_->options->Validate(); !s.ok()) return s;
  std::string host;
  int port;
  if (absl::Status s = ParseHostPort(address, &host, &port); !s.ok()) return s;
  if (impl_->options->security.tls_enabled()) {
    absl::StatusOr<std::unique_ptr<asio::ssl::context>> tls =
        MakeTlsContext(impl_->options->security);
    if (!tls.ok()) return tls.status();
    impl_->tls = *std::move(tls);
  }
  impl_->processor.SetTxnOffsets(&impl_->txn_offsets);
  if (broker::txn::TransactionCoordinator* c = impl_->broker->transactions()) {
    // Transactional consumer offsets are applied when their transaction
    // commits (dropped on abort).
    c->SetCompletionListener([impl = impl_.get()](int64_t producer_id, bool commit,
                                                  const std::set<broker::txn::TopicPartition>&) {
      impl->txn_offsets.Complete(producer_id, commit, &impl->groups);
    });
  }
  if (impl_->offset_store != nullptr) {
    absl::StatusOr<int64_t> loaded =
        impl_->offset_store->Load(&impl_->groups, &impl_->txn_offsets);
    if (!loaded.ok()) {
      return absl::Status(loaded.status().code(),
                          absl::StrCat("loading consumer offsets: ", loaded.status().message()));
    }
  }
  error_code ec;
  tcp::resolver resolver(impl_->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot resolve '", host, "': ", ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    a.close(ignored);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ": ", ec.message()));
  }
  impl_->port = a.local_endpoint(ec).port();
  std::string advertised = impl_->options->advertised_host;
  if (advertised.empty()) {
    advertised = endpoint.address().is_unspecified() ? "127.0.0.1" : host;
  }
  impl_->processor.SetAdvertised(advertised, impl_->options->advertised_port != 0
                                                 ? impl_->options->advertised_port
                                                 : impl_->port);
  impl_->started = true;
  if (impl_->options->metrics != nullptr) {
    RegisterKafkaCollectors(impl_->options->metrics, &impl_->groups, impl_->broker,
                            [this] { return connection_count(); });
  }
  impl_->work.emplace(impl_->io.get_executor());
  impl_->Accept();
  impl_->ScheduleTick();
  for (int i = 0; i < impl_->options->io_threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  const KafkaSecurityOptions& sec = impl_->options->security;
  const char* protocol = sec.sasl_enabled ? (sec.tls_enabled() ? "SASL_SSL" : "SASL_PLAINTEXT")
                                          : (sec.tls_enabled() ? "SSL" : "PLAINTEXT");
  LogInfo("kafka: listening", {{"address", address}, {"port", impl_->port},
                               {"advertised", advertised}, {"protocol", protocol},
                               {"mutual_tls", !sec.tls_client_ca_file.empty()}});
  return absl::OkStatus();
}

int KafkaServer::port() const { return impl_->port; }

int KafkaServer::memory_waiters() const { return impl_->budget->waiters(); }

GroupCoordinator* KafkaServer::groups() { return &impl_->groups; }

OffsetStore* KafkaServer::offset_store() { return impl_->offset_store.get(); }

int KafkaServer::connection_count() const {
  absl::MutexLock lock(&impl_->mu);
  return static_cast<int>(impl_->connections.size());
}

void KafkaServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  if (broker::txn::TransactionCoordinator* c = impl_->broker->transactions()) {
    c->SetCompletionListener(nullptr);
  }
  if (impl_->options->metrics != nullptr) UnregisterKafkaCollectors(impl_->options->metrics);
  asio::post(impl_->io, [this] {
    error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->tick_timer.cancel();
  });
  {
    absl::MutexLock lock(&impl_->mu);
    for (auto& [ptr, conn] : impl_->connections) conn->Close();
  }
  impl_->gate->Close();  // broker callbacks from now on are dropped
  impl_->admin_pool.join();
  impl_->work.reset();
  impl_->io.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  absl::MutexLock lock(&impl_->mu);
  impl_->connections.clear();
}

}  // namespace rtai::kafka
