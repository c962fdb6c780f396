#pragma once
// CheckpointManifest: what a completed checkpoint (or savepoint) contains —
// every task's RocksDB checkpoint files and every operator subtask's
// snapshot file, with sizes and checksums — in memory, and its on-disk
// encoding (proto/checkpoint_manifest.fbs followed by a CRC-32C; spec:
// docs/formats/checkpoint.md). Writing is atomic (temp, fsync, rename,
// directory fsync); a checkpoint is complete exactly when its manifest
// exists and verifies. Plain values; no thread-safety concerns.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/file_system.h"

namespace rtai::engine::runtime {

inline constexpr char kManifestName[] = "_manifest";

struct StateFileEntry {
  std::string name;
  uint64_t size = 0;
};

struct TaskStateEntry {
  std::string name;       // "head_uid[subtask]"
  std::string state_uid;  // first stateful operator of the chain, "" = none
  int subtask = 0;
  std::string db_dir;     // relative to the checkpoint dir; "" = none
  std::vector<StateFileEntry> db_files;
  int64_t alignment_ns = 0;
  int64_t sync_ns = 0;
};

struct OperatorStateEntry {
  std::string uid;
  std::string op;
  int subtask = 0;
  int parallelism = 1;
  std::string file;  // relative to the checkpoint dir
  uint64_t size = 0;
  uint32_t crc32c = 0;
};

struct CheckpointManifest {
  std::string job_id;
  int64_t checkpoint_id = 0;
  bool savepoint = false;
  int64_t trigger_time_ms = 0;
  int64_t complete_time_ms = 0;
  int max_parallelism = 128;
  uint64_t total_bytes = 0;
  std::vector<TaskStateEntry> tasks;
  std::vector<OperatorStateEntry> operators;
};

std::string EncodeManifest(const CheckpointManifest& m);
// kDataLoss for anything that does not verify (checksum, FlatBuffers
// verifier, identifier, version, out-of-range fields).
absl::StatusOr<CheckpointManifest> DecodeManifest(std::string_view bytes);

// Writes <dir>/_manifest atomically and durably.
absl::Status WriteManifest(FileSystem* fs, const std::string& dir, const CheckpointManifest& m);
// Reads and decodes <dir>/_manifest, then checks that every file it names
// exists with the recorded size and every operator file's CRC matches
// (kDataLoss naming the file otherwise).
absl::StatusOr<CheckpointManifest> ReadAndVerifyManifest(FileSystem* fs, const std::string& dir);

}  // namespace rtai::engine::runtime
