#pragma once
// The one place where rtaid starts the Kafka protocol listener
// (broker/kafka). rtaid calls StartKafkaListener after the Broker is open and
// stops the returned listener before Broker::Shutdown. The --kafka-* flags
// (advertised address, topic auto-creation, default partitions, connection
// and request limits) are defined and read here.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/auth/audit_log.h"
#include "base/auth/principal_store.h"
#include "base/clock.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"
#include "broker/log/log_config.h"

namespace rtai::kafka {
class GroupCoordinator;
class OffsetStore;
}  // namespace rtai::kafka

namespace rtai::cli {

class KafkaListener {
 public:
  virtual ~KafkaListener() = default;
  // "host:port" actually bound.
  virtual std::string address() const = 0;
  // Stops accepting connections and closes the open ones. Idempotent.
  virtual void Shutdown() = 0;
  // The consumer-group coordinator with the committed offsets loaded, and
  // their durable store (null if offsets are not persisted); they outlive
  // Shutdown() and live as long as the listener.
  virtual kafka::GroupCoordinator* groups() = 0;
  virtual kafka::OffsetStore* offset_store() = 0;
};

// Starts the listener on `listen_address` with options from the --kafka-*
// flags; `log_defaults` are the broker's topic defaults (reported by
// DescribeConfigs). kInvalidArgument for a bad flag value, naming the flag.
// `broker`, `clock` and `metrics` (nullptr: no metrics) outlive the listener,
// as do `principals` and `audit` (needed when a --kafka-sasl or
// --kafka-tls-client-ca flag turns authentication on; nullptr otherwise).
absl::StatusOr<std::unique_ptr<KafkaListener>> StartKafkaListener(
    const std::string& listen_address, broker::Broker* broker, Clock* clock,
    const broker::LogConfig& log_defaults, metrics::Registry* metrics = nullptr,
    auth::PrincipalFile* principals = nullptr, auth::AuditLog* audit = nullptr);

}  // namespace rtai::cli
