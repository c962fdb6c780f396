#include "engine/io/memory_partition_client.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"

namespace rtai::engine::io {

absl::Status MemoryPartitionClient::CreateTopic(const std::string& topic, int32_t partitions) {
  if (partitions <= 0 || partitions > 10000) return absl::InvalidArgumentError("bad partition count");
  absl::MutexLock l(&mu_);
  if (topics_.contains(topic)) return absl::AlreadyExistsError(absl::StrCat("topic ", topic));
  topics_[topic].partitions.resize(partitions);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ClientRecord>*> MemoryPartitionClient::PartitionLocked(
    const std::string& topic, int32_t partition) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("unknown topic `", topic, "`"));
  if (partition < 0 || partition >= static_cast<int32_t>(it->second.partitions.size())) {
    return absl::NotFoundError(absl::StrCat("topic `", topic, "` has no partition ", partition));
  }
  return &it->second.partitions[partition];
}

absl::Status MemoryPartitionClient::AppendTo(const std::string& topic, int32_t partition,
                                             ClientRecord record) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(std::vector<ClientRecord>* p, PartitionLocked(topic, partition));
  if (p->size() >= max_records_) return absl::ResourceExhaustedError("partition full");
  record.offset = static_cast<int64_t>(p->size());
  p->push_back(std::move(record));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ClientRecord>> MemoryPartitionClient::ReadAll(const std::string& topic,
                                                                         int32_t partition) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(std::vector<ClientRecord>* p, PartitionLocked(topic, partition));
  return *p;
}

absl::StatusOr<int32_t> MemoryPartitionClient::PartitionCount(const std::string& topic) {
  absl::MutexLock l(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("unknown topic `", topic, "`"));
  return static_cast<int32_t>(it->second.partitions.size());
}

absl::StatusOr<std::pair<int64_t, int64_t>> MemoryPartitionClient::OffsetRange(
    const std::string& topic, int32_t partition) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(std::vector<ClientRecord>* p, PartitionLocked(topic, partition));
  return std::make_pair(int64_t{0}, static_cast<int64_t>(p->size()));
}

absl::StatusOr<ReadResult> MemoryPartitionClient::ReadBatch(const std::string& topic,
                                                            int32_t partition, int64_t offset,
                                                            int32_t max_bytes,
                                                            int32_t max_wait_ms) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(std::vector<ClientRecord>* p, PartitionLocked(topic, partition));
  if (offset < 0 || offset > static_cast<int64_t>(p->size())) {
    return absl::OutOfRangeError(absl::StrCat("offset ", offset, " outside [0, ", p->size(), "]"));
  }
  if (offset == static_cast<int64_t>(p->size()) && max_wait_ms > 0) {
    auto grown = [p, offset]() { return static_cast<int64_t>(p->size()) > offset; };
    mu_.AwaitWithTimeout(absl::Condition(&grown), absl::Milliseconds(max_wait_ms));
  }
  ReadResult result;
  int64_t bytes = 0;
  int64_t o = offset;
  for (; o < static_cast<int64_t>(p->size()); ++o) {
    const ClientRecord& r = (*p)[o];
    if (!result.records.empty() && bytes + static_cast<int64_t>(r.value.size()) > max_bytes) break;
    bytes += static_cast<int64_t>(r.key.size() + r.value.size());
    result.records.push_back(r);
  }
  result.next_offset = o;
  result.end_offset = static_cast<int64_t>(p->size());
  return result;
}

absl::Status MemoryPartitionClient::Append(const std::string& topic,
                                           std::vector<ClientRecord> records) {
  absl::MutexLock l(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return absl::NotFoundError(absl::StrCat("unknown topic `", topic, "`"));
  Topic& t = it->second;
  const size_t n = t.partitions.size();
  for (ClientRecord& r : records) {
    const size_t part = r.key.empty() ? t.next++ % n : std::hash<std::string>()(r.key) % n;
    std::vector<ClientRecord>& p = t.partitions[part];
    if (p.size() >= max_records_) return absl::ResourceExhaustedError("partition full");
    r.offset = static_cast<int64_t>(p.size());
    p.push_back(std::move(r));
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::io
