#pragma once
// MemoryPartitionClient: an in-process PartitionClient over in-memory topics.
// Used by tests and benchmarks (an in-process source for Nexmark) where a
// broker is not wanted. Long polls wait on a condition variable. Bounded:
// at most `max_records_per_partition` records per partition (Append beyond
// it is kResourceExhausted). Thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/io/partition_client.h"

namespace rtai::engine::io {

class MemoryPartitionClient : public PartitionClient {
 public:
  explicit MemoryPartitionClient(size_t max_records_per_partition = 10'000'000)
      : max_records_(max_records_per_partition) {}

  // kAlreadyExists if it exists.
  absl::Status CreateTopic(const std::string& topic, int32_t partitions);
  // Appends to one partition (tests choose partitions explicitly).
  absl::Status AppendTo(const std::string& topic, int32_t partition, ClientRecord record);
  // All records of a partition (copy).
  absl::StatusOr<std::vector<ClientRecord>> ReadAll(const std::string& topic, int32_t partition);

  absl::StatusOr<int32_t> PartitionCount(const std::string& topic) override;
  absl::StatusOr<std::pair<int64_t, int64_t>> OffsetRange(const std::string& topic,
                                                          int32_t partition) override;
  absl::StatusOr<ReadResult> ReadBatch(const std::string& topic, int32_t partition,
                                       int64_t offset, int32_t max_bytes,
                                       int32_t max_wait_ms) override;
  // Keyed records go to hash(key) % partitions, keyless ones round robin.
  absl::Status Append(const std::string& topic, std::vector<ClientRecord> records) override;

 private:
  struct Topic {
    std::vector<std::vector<ClientRecord>> partitions;
    uint32_t next = 0;
  };
  absl::StatusOr<std::vector<ClientRecord>*> PartitionLocked(const std::string& topic,
                                                             int32_t partition)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_records_;
  absl::Mutex mu_;
  std::map<std::string, Topic> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::engine::io
