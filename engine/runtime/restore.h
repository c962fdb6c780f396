#pragma once
// Restoring a job from a checkpoint or savepoint: which operator states and
// RocksDB checkpoints belong to which task of the (possibly resubmitted)
// graph. State is matched by stable node uid and subtask; a graph that does
// not match is rejected with a message naming the operator.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/graph/validated_graph.h"
#include "engine/runtime/checkpoint_manifest.h"

namespace rtai::engine::runtime {

// kFailedPrecondition unless every operator state in the manifest names a
// node of `graph` with the same operator kind and parallelism, and the
// max_parallelism (key groups) is the same. New nodes without state are
// fine (they start empty).
absl::Status CheckRestoreCompatible(const graph::ValidatedGraph& graph,
                                    const CheckpointManifest& manifest);

// The task entry holding keyed state of `state_uid`/`subtask`, or null.
const TaskStateEntry* FindTaskState(const CheckpointManifest& m, const std::string& state_uid,
                                    int subtask);
// The operator entry of uid/subtask, or null.
const OperatorStateEntry* FindOperatorState(const CheckpointManifest& m, const std::string& uid,
                                            int subtask);

}  // namespace rtai::engine::runtime
