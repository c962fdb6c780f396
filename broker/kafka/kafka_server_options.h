#pragma once
// Options of the Kafka protocol front (rtaid --kafka-* flags map onto these).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "base/metrics/registry.h"
#include "broker/kafka/auth/kafka_security_options.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/log/log_config.h"

namespace rtai::kafka {

struct KafkaServerOptions {
  // Host advertised to clients in Metadata. Default: "" (the listen host,
  // or 127.0.0.1 when listening on 0.0.0.0 / ::).
  std::string advertised_host;
  // Port advertised in Metadata. Default: 0 (the bound port).
  int32_t advertised_port = 0;
  // Largest request frame accepted; a larger size prefix closes the
  // connection before anything is allocated. Default: 100 MiB (bytes).
  int32_t max_request_bytes = 100 << 20;
  // Connections beyond this are closed right after accept. Default: 1024.
  int32_t max_connections = 1024;
  // Requests read from one connection and not yet answered; at the limit the
  // connection stops reading (TCP back-pressure). Default: 64 (requests).
  int32_t max_inflight_requests = 64;
  // Bytes of requests read or being handled, over all connections; charged
  // before a body is read, released when its handler answers. At the limit
  // connections wait (and stop reading). Must be >= max_request_bytes.
  // Default: 256 MiB (bytes).
  int64_t max_inflight_request_bytes = int64_t{256} << 20;
  // A connection with no request in flight and no bytes read or written for
  // this long is closed (connections.max.idle.ms); this also ends a client
  // that stalls in the middle of a frame. Default: 600000 (ms).
  int64_t connection_idle_timeout_ms = 600000;
  // Threads running the Asio io_context. Default: 1.
  int32_t io_threads = 1;
  // Threads for metadata/admin work that may touch disk. Default: 1.
  int32_t admin_threads = 1;
  // Metadata for an unknown topic creates it (auto.create.topics.enable).
  // Default: true.
  bool auto_create_topics = true;
  // Partitions of auto-created topics and of CreateTopics with -1
  // (num.partitions). Default: 1.
  int32_t default_partitions = 1;
  // Longest Fetch long-poll honoured; larger MaxWait values are capped.
  // Default: 30000 (ms).
  int32_t fetch_max_wait_ms = 30000;
  // Reported in Metadata v2+. Default: "rtai".
  std::string cluster_id = "rtai";
  // Topic config defaults reported by DescribeConfigs (pass the broker's
  // BrokerOptions::log_defaults). Default: LogConfig{}.
  broker::LogConfig log_defaults;
  // Committed offsets go to the internal topic __consumer_offsets and are
  // restored at Start() (false: memory only). Default: true.
  bool persist_offsets = true;
  // Consumer-group coordinator limits.
  GroupCoordinatorOptions groups;
  // Request durations, consumer-group lag and connections go here (see
  // kafka_metrics.h); nullptr: not recorded. Must outlive the server.
  // Default: nullptr.
  metrics::Registry* metrics = nullptr;
  // TLS, SASL, authorization and pre-authentication limits; all off by
  // default (docs/SECURITY.md).
  KafkaSecurityOptions security;

  // kInvalidArgument naming the field when a value is out of range.
  absl::Status Validate() const;
};

}  // namespace rtai::kafka
