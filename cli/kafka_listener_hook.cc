#include "cli/kafka_listener_hook.h"

#include "base/logging.h"

namespace rtai::cli {

// HOOK for broker/kafka: replace the body with
//   auto server = broker::kafka::KafkaServer::Start({listen_address}, broker, clock);
// wrapped in a KafkaListener adapter (address(), Shutdown()), and add the
// kafka library to rtaid's target_link_libraries in cli/CMakeLists.txt.
absl::StatusOr<std::unique_ptr<KafkaListener>> StartKafkaListener(
    const std::string& listen_address, broker::Broker* broker, Clock* clock) {
  (void)broker;
  (void)clock;
  LogWarning("kafka listener not built into this rtaid yet; not listening",
             {{"kafka_listen", listen_address}});
  return std::unique_ptr<KafkaListener>();
}

}  // namespace rtai::cli
