#pragma once
// ProducerIdAllocator: hands out idempotent-producer ids that never repeat,
// across restarts too. Ids are reserved in blocks of kBlockSize: before the
// first id of a block is given out, the block's end is written atomically
// and durably to `path` (WriteFileAtomically); after a restart allocation
// resumes at the stored end, skipping at most one block's unused ids.
// File format: the decimal high-water mark, one line. Thread-safe.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/file_system.h"

namespace rtai::broker {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kBlockSize = 1000;

  // Reads the high-water mark from `path` (absent: 0). kDataLoss if the
  // file is malformed. `fs` must outlive the allocator.
  static absl::StatusOr<std::unique_ptr<ProducerIdAllocator>> Open(
      FileSystem* fs, std::string path);

  // The next id; blocks for one atomic write per kBlockSize ids. An error
  // (write failed) leaves the allocator usable for a later retry.
  absl::StatusOr<int64_t> Next();

 private:
  ProducerIdAllocator(FileSystem* fs, std::string path, int64_t high_water)
      : fs_(fs), path_(std::move(path)), next_(high_water), limit_(high_water) {}

  FileSystem* const fs_;
  const std::string path_;
  absl::Mutex mu_;
  int64_t next_ ABSL_GUARDED_BY(mu_);
  int64_t limit_ ABSL_GUARDED_BY(mu_);  // durable high-water mark
};

}  // namespace rtai::broker
