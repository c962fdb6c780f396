#pragma once
// Kafka's default partitioner for keyed records, so that a key lands on the
// same partition whether it is produced through rtai-cli or a Kafka client:
// partition = (murmur2(key) & 0x7fffffff) % partition_count.

#include <cstdint>

#include "absl/strings/string_view.h"

namespace rtai::broker {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2, seed
// 0x9747b28c) as a signed 32-bit value.
int32_t KafkaMurmur2(absl::string_view data);

// partition_count >= 1.
int32_t KafkaPartitionForKey(absl::string_view key, int32_t partition_count);

}  // namespace rtai::broker
