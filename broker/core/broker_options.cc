#include "broker/core/broker_options.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "broker/topic/topic_config.h"

namespace rtai::broker {
namespace {

absl::Status AtLeast(const char* field, int64_t value, int64_t min) {
  if (value >= min) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("broker option ", field, "=", value, " must be >= ", min));
}

}  // namespace

absl::Status BrokerOptions::Validate() const {
  if (data_dir.empty()) {
    return absl::InvalidArgumentError("broker option data_dir is empty");
  }
  if (node_id.value() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "broker option node_id=", node_id.value(), " must be >= 0"));
  }
  RETURN_IF_ERROR(ValidateLogConfig(log_defaults));
  RETURN_IF_ERROR(
      AtLeast("max_partitions_per_topic", max_partitions_per_topic, 1));
  RETURN_IF_ERROR(AtLeast("max_partitions_total", max_partitions_total, 1));
  RETURN_IF_ERROR(AtLeast("disk_threads", disk_threads, 1));
  if (disk_threads > 64) {
    return absl::InvalidArgumentError(
        "broker option disk_threads must be <= 64");
  }
  RETURN_IF_ERROR(AtLeast("disk_queue_capacity", disk_queue_capacity, 1));
  RETURN_IF_ERROR(AtLeast("disk_queue_bytes_max", disk_queue_bytes_max, 1024));
  RETURN_IF_ERROR(
      AtLeast("retention_check_interval_ms", retention_check_interval_ms, 1));
  RETURN_IF_ERROR(AtLeast("max_parked_fetches", max_parked_fetches, 0));
  RETURN_IF_ERROR(AtLeast("max_fetch_wait_ms", max_fetch_wait_ms, 0));
  RETURN_IF_ERROR(AtLeast("transaction_check_interval_ms",
                          transaction_check_interval_ms, 1));
  return transactions.Validate();
}

}  // namespace rtai::broker
