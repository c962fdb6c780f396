#include "broker/kafka/kafka_server_options.h"

#include "absl/strings/str_cat.h"

namespace rtai::kafka {

absl::Status KafkaServerOptions::Validate() const {
  auto bad = [](const char* field, int64_t v) {
    return absl::InvalidArgumentError(absl::StrCat("KafkaServerOptions.", field, " = ", v,
                                                   " is out of range"));
  };
  if (advertised_port < 0 || advertised_port > 65535) return bad("advertised_port", advertised_port);
  if (max_request_bytes < 1024) return bad("max_request_bytes", max_request_bytes);
  if (max_connections < 1) return bad("max_connections", max_connections);
  if (max_inflight_requests < 1) return bad("max_inflight_requests", max_inflight_requests);
  if (max_inflight_request_bytes < max_request_bytes) {
    return bad("max_inflight_request_bytes", max_inflight_request_bytes);
  }
  if (io_threads < 1 || io_threads > 64) return bad("io_threads", io_threads);
  if (connection_idle_timeout_ms < 1) {
    return bad("connection_idle_timeout_ms", connection_idle_timeout_ms);
  }
  if (admin_threads < 1 || admin_threads > 64) return bad("admin_threads", admin_threads);
  if (default_partitions < 1) return bad("default_partitions", default_partitions);
  if (fetch_max_wait_ms < 0) return bad("fetch_max_wait_ms", fetch_max_wait_ms);
  if (absl::Status s = security.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("KafkaServerOptions.security: ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace rtai::kafka
