#pragma once
// The one place where rtaid starts the Kafka protocol listener
// (broker/kafka, built separately). rtaid calls StartKafkaListener after the
// Broker is open and stops the returned listener before Broker::Shutdown.
// Until broker/kafka provides its server, StartKafkaListener logs that the
// listener is not built in and returns nullptr (rtaid keeps running).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"

namespace rtai::cli {

class KafkaListener {
 public:
  virtual ~KafkaListener() = default;
  // "host:port" actually bound.
  virtual std::string address() const = 0;
  // Stops accepting connections and closes the open ones. Idempotent.
  virtual void Shutdown() = 0;
};

// `broker`, `clock` and `metrics` (nullptr: no metrics) outlive the
// listener. nullptr: not built in yet.
absl::StatusOr<std::unique_ptr<KafkaListener>> StartKafkaListener(
    const std::string& listen_address, broker::Broker* broker, Clock* clock,
    metrics::Registry* metrics = nullptr);

}  // namespace rtai::cli
