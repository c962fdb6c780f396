#pragma once
// What the broker persists about a topic (docs/formats/topic-metadata.md).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "broker/topic/topic_config.h"

namespace rtai::broker {

// 16 random bytes fixed when the topic is created.
using TopicId = std::array<uint8_t, 16>;

// 32 lowercase hex digits.
std::string TopicIdToString(const TopicId& id);

struct PartitionAssignment {
  PartitionId partition;
  NodeId leader;
  LeaderEpoch leader_epoch;
};

struct TopicMetadata {
  std::string name;
  TopicId topic_id{};
  int32_t partition_count = 0;
  int64_t created_ms = 0;
  // Explicitly set configs (Kafka names); the broker defaults fill the rest.
  TopicConfigs configs;
  // One per partition, index == partition id.
  std::vector<PartitionAssignment> partitions;
};

}  // namespace rtai::broker
