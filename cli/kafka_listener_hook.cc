#include "cli/kafka_listener_hook.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "broker/kafka/kafka_server.h"

ABSL_FLAG(std::string, kafka_advertised, "",
          "HOST:PORT that Metadata tells Kafka clients to connect to (default: "
          "the listen host, 127.0.0.1 for a wildcard, and the bound port).");
ABSL_FLAG(bool, kafka_auto_create_topics, true,
          "Metadata for an unknown topic creates it (auto.create.topics.enable).");
ABSL_FLAG(int32_t, kafka_num_partitions, 1,
          "Partitions of auto-created topics (num.partitions).");
ABSL_FLAG(int32_t, kafka_max_connections, 1024,
          "Kafka connections beyond this are closed right after accept.");
ABSL_FLAG(int32_t, kafka_max_request_bytes, 100 << 20,
          "Largest Kafka request frame accepted (socket.request.max.bytes).");

ABSL_FLAG(std::string, kafka_tls_cert, "",
          "PEM certificate chain of the Kafka listener; turns TLS on (with "
          "--kafka-tls-key).");
ABSL_FLAG(std::string, kafka_tls_key, "", "PEM private key of the Kafka listener.");
ABSL_FLAG(std::string, kafka_tls_client_ca, "",
          "PEM CA bundle: Kafka clients must present a certificate it signed "
          "(mutual TLS; the CN is the principal unless SASL is on).");
ABSL_FLAG(bool, kafka_sasl, false,
          "Require SASL authentication on the Kafka listener (SASL_PLAINTEXT, or "
          "SASL_SSL with TLS); users from `rtai-cli user create`. Turns on "
          "per-topic authorization.");
ABSL_FLAG(std::string, kafka_sasl_mechanisms, "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN",
          "SASL mechanisms offered, comma-separated.");
ABSL_FLAG(int32_t, kafka_max_connections_per_ip, 0,
          "Kafka connections per client IP address at most (0: no limit).");
ABSL_FLAG(int32_t, kafka_max_preauth_request_bytes, 64 << 10,
          "Largest Kafka frame accepted before authentication.");
ABSL_FLAG(int64_t, kafka_preauth_timeout_ms, 10000,
          "Kafka connections must authenticate (and finish TLS) within this.");
ABSL_FLAG(int64_t, kafka_failed_login_delay_ms, 1000,
          "Delay before answering a failed SASL login (doubles per failure from "
          "the same address, up to 10x).");

namespace rtai::cli {
namespace {

void SecurityFromFlags(kafka::KafkaSecurityOptions* s) {
  s->tls_cert_file = absl::GetFlag(FLAGS_kafka_tls_cert);
  s->tls_key_file = absl::GetFlag(FLAGS_kafka_tls_key);
  s->tls_client_ca_file = absl::GetFlag(FLAGS_kafka_tls_client_ca);
  s->sasl_enabled = absl::GetFlag(FLAGS_kafka_sasl);
  s->sasl_mechanisms.clear();
  const std::string mechanisms = absl::GetFlag(FLAGS_kafka_sasl_mechanisms);
  size_t start = 0;
  while (start <= mechanisms.size()) {
    const size_t comma = std::min(mechanisms.find(',', start), mechanisms.size());
    if (comma > start) s->sasl_mechanisms.push_back(mechanisms.substr(start, comma - start));
    start = comma + 1;
  }
  s->max_connections_per_ip = absl::GetFlag(FLAGS_kafka_max_connections_per_ip);
  s->max_preauth_request_bytes = absl::GetFlag(FLAGS_kafka_max_preauth_request_bytes);
  s->preauth_timeout_ms = absl::GetFlag(FLAGS_kafka_preauth_timeout_ms);
  s->failed_login_delay_ms = absl::GetFlag(FLAGS_kafka_failed_login_delay_ms);
  s->failed_login_delay_max_ms = 10 * s->failed_login_delay_ms;
}

absl::StatusOr<kafka::KafkaServerOptions> OptionsFromFlags(
    const broker::LogConfig& log_defaults, auth::PrincipalFile* principals,
    auth::AuditLog* audit) {
  kafka::KafkaServerOptions o;
  o.security.principals = principals;
  o.security.audit = audit;
  o.log_defaults = log_defaults;
  o.auto_create_topics = absl::GetFlag(FLAGS_kafka_auto_create_topics);
  o.default_partitions = absl::GetFlag(FLAGS_kafka_num_partitions);
  o.max_connections = absl::GetFlag(FLAGS_kafka_max_connections);
  o.max_request_bytes = absl::GetFlag(FLAGS_kafka_max_request_bytes);
  SecurityFromFlags(&o.security);
  if (o.max_inflight_request_bytes < o.max_request_bytes) {
    o.max_inflight_request_bytes = o.max_request_bytes;
  }
  const std::string advertised = absl::GetFlag(FLAGS_kafka_advertised);
  if (!advertised.empty()) {
    int port = 0;
    if (absl::Status s = kafka::ParseHostPort(advertised, &o.advertised_host, &port);
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--kafka-advertised: ", s.message()));
    }
    o.advertised_port = port;
  }
  if (absl::Status s = o.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--kafka-* flags: ", s.message()));
  }
  return o;
}


// Adapts broker/kafka's KafkaServer to rtaid's KafkaListener.
class KafkaServerListener : public KafkaListener {
 public:
  KafkaServerListener(broker::Broker* broker, kafka::KafkaServerOptions options, Clock* clock)
      : server_(broker, std::move(options), clock) {}
  absl::Status Start(const std::string& address) {
    if (absl::Status s = server_.Start(address); !s.ok()) return s;
    std::string host;
    int port;
    if (absl::Status s = kafka::ParseHostPort(address, &host, &port); !s.ok()) return s;
    address_ = absl::StrCat(host, ":", server_.port());
    return absl::OkStatus();
  }
  std::string address() const override { return address_; }
  void Shutdown() override { server_.Stop(); }
  kafka::GroupCoordinator* groups() override { return server_.groups(); }
  kafka::OffsetStore* offset_store() override { return server_.offset_store(); }

 private:
  kafka::KafkaServer server_;
  std::string address_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaListener>> StartKafkaListener(
    const std::string& listen_address, broker::Broker* broker, Clock* clock,
    const broker::LogConfig& log_defaults, metrics::Registry* metrics,
    auth::PrincipalFile* principals, auth::AuditLog* audit) {
  auto options = OptionsFromFlags(log_defaults, principals, audit);
  if (!options.ok()) return options.status();
  options->metrics = metrics;
  auto listener =
      std::make_unique<KafkaServerListener>(broker, *std::move(options), clock);
  if (absl::Status s = listener->Start(listen_address); !s.ok()) return s;
  return std::unique_ptr<KafkaListener>(std::move(listener));
}

}  // namespace rtai::cli
