#pragma once
// The strong id types shared by broker and engine.

#include <cstdint>

#include "base/strong_id.h"

namespace rtai {

struct OffsetTag {};
struct PartitionIdTag {};
struct LeaderEpochTag {};
struct NodeIdTag {};
struct CheckpointIdTag {};

// Position of a record in a partition log.
using Offset = StrongId<OffsetTag, int64_t>;
using PartitionId = StrongId<PartitionIdTag, int32_t>;
// Bumped whenever a partition's leadership changes; stamped into every batch.
using LeaderEpoch = StrongId<LeaderEpochTag, int32_t>;
using NodeId = StrongId<NodeIdTag, int32_t>;
using CheckpointId = StrongId<CheckpointIdTag, int64_t>;

}  // namespace rtai
