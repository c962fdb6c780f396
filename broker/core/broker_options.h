#pragma once
// Broker-wide options (rtaid flags map onto these). Topic configs override
// the log defaults per topic.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "base/ids.h"
#include "base/metrics/registry.h"
#include "broker/log/log_config.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::broker {

struct BrokerOptions {
  // Root of all broker data: <data_dir>/topics/<topic>/<partition>/...
  std::string data_dir;
  // This node's id (--node-id). Default: 0.
  NodeId node_id{0};
  // Defaults for every topic's logs (topic configs override).
  LogConfig log_defaults;
  // Default: 1000 (partitions).
  int32_t max_partitions_per_topic = 1000;
  // Default: 10000 (partitions).
  int32_t max_partitions_total = 10000;
  // Threads that append and fsync. Default: 2.
  int32_t disk_threads = 2;
  // Pending produce requests queued for the disk threads before Produce
  // answers kResourceExhausted. Default: 4096 (requests).
  int32_t disk_queue_capacity = 4096;
  // Bytes of produce batches queued for disk before kResourceExhausted.
  // Default: 256 MiB (bytes).
  int64_t disk_queue_bytes_max = int64_t{256} << 20;
  // How often retention and age-based rolling run. Default: 30000 (ms).
  int64_t retention_check_interval_ms = 30000;
  // Fetches parked at once (long poll) across all partitions; past it a
  // Fetch with nothing to read answers empty at once. Default: 10000.
  int32_t max_parked_fetches = 10000;
  // Upper bound on a Fetch's max_wait_ms. Default: 30000 (ms).
  int64_t max_fetch_wait_ms = 30000;
  // Transaction coordinator limits, timeouts and id expiration
  // (state in <data_dir>/transactions/).
  txn::TransactionCoordinatorOptions transactions;
  // How often open transactions are checked against their timeouts, failed
  // marker writes retried and idle transactional ids expired.
  // Default: 1000 (ms).
  int64_t transaction_check_interval_ms = 1000;
  // Where the broker's internal metrics go (group-commit fsyncs); nullptr:
  // none. Must outlive the Broker. Per-topic traffic is counted by
  // MeteredBroker. Default: nullptr.
  metrics::Registry* metrics = nullptr;

  // kInvalidArgument naming the field (and the flag) that is out of range.
  absl::Status Validate() const;
};

}  // namespace rtai::broker
