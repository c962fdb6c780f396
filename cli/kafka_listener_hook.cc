#include "cli/kafka_listener_hook.h"

#include "absl/strings/str_cat.h"
#include "broker/kafka/kafka_server.h"

namespace rtai::cli {
namespace {

// Adapts broker/kafka's KafkaServer to rtaid's KafkaListener.
class KafkaServerListener : public KafkaListener {
 public:
  KafkaServerListener(broker::Broker* broker, kafka::KafkaServerOptions options)
      : server_(broker, std::move(options)) {}
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
    metrics::Registry* metrics) {
  (void)clock;
  kafka::KafkaServerOptions options;
  options.metrics = metrics;
  auto listener = std::make_unique<KafkaServerListener>(broker, std::move(options));
  if (absl::Status s = listener->Start(listen_address); !s.ok()) return s;
  return std::unique_ptr<KafkaListener>(std::move(listener));
}

}  // namespace rtai::cli
