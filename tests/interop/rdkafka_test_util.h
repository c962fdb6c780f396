#pragma once
// Helpers for the librdkafka C++ API interop tests against a real rtaid:
// client configuration, a delivery-report collector, bounded polling, and
// Kafka's murmur2 partitioner written independently of librdkafka.

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace rtai::testing {

// Kafka's Utils.murmur2 (seed 0x9747b28c) and the Java default partitioner's
// placement of a non-null key: (murmur2(key) & 0x7fffffff) % partitions.
uint32_t KafkaMurmur2(const std::string& data);
int32_t KafkaPartitionForKey(const std::string& key, int32_t partitions);

// Returns the Kafka port from the last `msg="rtaid listening"` line in the
// rtaid log at `log_path`, or "" when there is none.
std::string KafkaPortFromLog(const std::string& log_path);

// A global Conf with `settings` applied; CHECK-fails on an unknown setting.
std::unique_ptr<RdKafka::Conf> MakeConf(
    const std::map<std::string, std::string>& settings);

// One record as seen by a delivery report or a consumer.
struct Record {
  std::string key;
  std::string value;
  int32_t partition = -1;
  int64_t offset = -1;
};

// Collects delivery reports; errors are recorded as strings.
class DeliveryCollector : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override;
  std::vector<Record> delivered;
  std::vector<std::string> errors;
};

// A producer (acks=all, murmur2 partitioner) that sends `records` keyed
// records "key-<first+i>" / "value-<first+i>" to `topic` and flushes.
// Returns the delivery reports; errors are appended to `errors`.
std::vector<Record> ProduceKeyed(const std::string& bootstrap,
                                 const std::string& topic, int first,
                                 int records, std::vector<std::string>* errors);

// Creates `topic` through Metadata auto-creation and returns its partition
// count as reported by the broker (-1 on error).
int CreateTopicViaMetadata(const std::string& bootstrap,
                           const std::string& topic);

// A KafkaConsumer in `group` (earliest, auto commit off) subscribed to
// `topic`.
std::unique_ptr<RdKafka::KafkaConsumer> MakeConsumer(
    const std::string& bootstrap, const std::string& group,
    const std::string& topic);

// Polls once for up to `timeout`; returns true and fills `out` when a record
// arrived. If `commit` the record is committed synchronously and a failed
// commit is appended to `errors`.
bool PollOne(RdKafka::KafkaConsumer* consumer, absl::Duration timeout,
             bool commit, Record* out, std::vector<std::string>* errors);

// The consumer's current assignment as partition numbers.
std::set<int32_t> Assignment(RdKafka::KafkaConsumer* consumer);

}  // namespace rtai::testing
