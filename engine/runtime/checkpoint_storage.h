#pragma once
// The on-disk layout of a job's checkpoints (docs/formats/checkpoint.md):
//
//   <root>/chk-<id>/_manifest                 present = complete
//   <root>/chk-<id>/op-<uid>-<subtask>.state  Operator::SnapshotState bytes
//   <root>/chk-<id>/task-<uid>-<subtask>/db/  rocksdb::Checkpoint of a task
//
// and the operations on it: listing, finding the latest checkpoint that
// verifies (falling back to older ones, with a log line), retention, and
// copying a checkpoint (SST files hard-linked, the rest copied) into a
// savepoint or a task's live state directory. Functions are thread-safe as
// long as callers do not touch the same checkpoint concurrently.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/file_system.h"
#include "engine/runtime/checkpoint_manifest.h"

namespace rtai::engine::runtime {

std::string CheckpointDirName(int64_t id);  // "chk-<id>"
std::string OperatorStateFileName(const std::string& uid, int subtask);
std::string TaskDbDirName(const std::string& uid, int subtask);  // "task-<uid>-<subtask>/db"

// Ids of the chk-<id> directories under root (complete or not), ascending.
// An absent root is empty.
absl::StatusOr<std::vector<int64_t>> ListCheckpointIds(FileSystem* fs, const std::string& root);

struct LoadedCheckpoint {
  std::string dir;
  CheckpointManifest manifest;
};

// The newest checkpoint under root whose manifest and files verify. Each
// newer one that does not is logged ("checkpoint N unusable (...); falling
// back to M") and its reason appended to `skipped` if non-null. nullopt if
// none verifies.
absl::StatusOr<std::optional<LoadedCheckpoint>> FindLatestCheckpoint(
    FileSystem* fs, const std::string& root, std::vector<std::string>* skipped = nullptr);

// Deletes every chk-<id> dir except the `retain` newest complete ones and
// anything newer than the newest complete one (possibly in flight).
absl::Status ApplyRetention(FileSystem* fs, const std::string& root, int retain);

// Deletes every chk-<id> dir with id > `id` (recovery: a restored job
// continues numbering after the checkpoint it restored).
absl::Status DeleteCheckpointsAfter(FileSystem* fs, const std::string& root, int64_t id);

// Copies the tree `from` to `to` (which must not exist): *.sst files are
// hard-linked (immutable in RocksDB), everything else copied; `to` and its
// parent are fsynced.
absl::Status CopyCheckpointTree(const std::string& from, const std::string& to);

// Files of a directory tree with sizes, names relative to `dir`, sorted.
absl::StatusOr<std::vector<StateFileEntry>> ListStateFiles(const std::string& dir);

}  // namespace rtai::engine::runtime
