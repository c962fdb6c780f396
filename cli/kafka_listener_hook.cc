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

namespace rtai::cli {
namespace {

absl::StatusOr<kafka::KafkaServerOptions> OptionsFromFlags(
    const broker::LogConfig& log_defaults) {
  kafka::KafkaServerOptions o;
  o.log_defaults = log_defaults;
  o.auto_create_topics = absl::GetFlag(FLAGS_kafka_auto_create_topics);
  o.default_partitions = absl::GetFlag(FLAGS_kafka_num_partitions);
  o.max_connections = absl::GetFlag(FLAGS_kafka_max_connections);
  o.max_request_bytes = absl::GetFlag(FLAGS_kafka_max_request_bytes);
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

 private:
  kafka::KafkaServer server_;
  std::string address_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaListener>> StartKafkaListener(
    const std::string& listen_address, broker::Broker* broker, Clock* clock,
    const broker::LogConfig& log_defaults, metrics::Registry* metrics) {
  auto options = OptionsFromFlags(log_defaults);
  if (!options.ok()) return options.status();
  options->metrics = metrics;
  auto listener =
      std::make_unique<KafkaServerListener>(broker, *std::move(options), clock);
  if (absl::Status s = listener->Start(listen_address); !s.ok()) return s;
  return std::unique_ptr<KafkaListener>(std::move(listener));
}

}  // namespace rtai::cli
