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
  topics_[topic].txn_of.resize(partitions);
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
  topics_[topic].txn_of[partition].push_back(0);
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
  return AppendLocked(topic, std::move(records), 0);
}

absl::Status MemoryPartitionClient::AppendLocked(const std::string& topic,
                                                 std::vector<ClientRecord> records, int64_t txn) {
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
    t.txn_of[part].push_back(txn);
  }
  return absl::OkStatus();
}

absl::StatusOr<TxnHandle> MemoryPartitionClient::InitTransactions(
    const std::string& transactional_id, int32_t timeout_ms) {
  if (transactional_id.empty()) return absl::InvalidArgumentError("empty transactional id");
  if (timeout_ms <= 0) return absl::InvalidArgumentError("transaction timeout must be > 0");
  absl::MutexLock l(&mu_);
  auto [it, inserted] = producers_.try_emplace(transactional_id);
  Producer& p = it->second;
  if (inserted) {
    p.producer_id = next_producer_id_++;
  } else {
    if (p.open != 0) {
      txns_[p.open] = TxnStatus::kAborted;
      p.last = p.open;
      p.open = 0;
    }
    ++p.epoch;
  }
  return TxnHandle{transactional_id, p.producer_id, p.epoch};
}

absl::StatusOr<MemoryPartitionClient::Producer*> MemoryPartitionClient::ProducerLocked(
    const TxnHandle& h) {
  auto it = producers_.find(h.transactional_id);
  if (it == producers_.end() || it->second.producer_id != h.producer_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("unknown producer for transactional id `", h.transactional_id, "`"));
  }
  if (it->second.epoch != h.producer_epoch) {
    return absl::FailedPreconditionError(
        absl::StrCat("producer of `", h.transactional_id, "` was fenced"));
  }
  return &it->second;
}

absl::Status MemoryPartitionClient::AppendTransactional(const TxnHandle& txn,
                                                        const std::string& topic,
                                                        std::vector<ClientRecord> records) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(Producer * p, ProducerLocked(txn));
  if (!topics_.contains(topic)) {
    return absl::NotFoundError(absl::StrCat("unknown topic `", topic, "`"));
  }
  if (p->open == 0) {
    p->open = next_txn_++;
    txns_[p->open] = TxnStatus::kOpen;
  }
  return AppendLocked(topic, std::move(records), p->open);
}

absl::Status MemoryPartitionClient::EndTransaction(const TxnHandle& txn, bool commit) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(Producer * p, ProducerLocked(txn));
  const TxnStatus want = commit ? TxnStatus::kCommitted : TxnStatus::kAborted;
  if (p->open == 0) {
    if (p->last == 0 || txns_[p->last] == want) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "the last transaction of `", txn.transactional_id, "` was ",
        commit ? "aborted" : "committed"));
  }
  txns_[p->open] = want;
  p->last = p->open;
  p->open = 0;
  return absl::OkStatus();
}

int64_t MemoryPartitionClient::StableEndLocked(const Topic& t, int32_t partition) const {
  const std::vector<int64_t>& txn_of = t.txn_of[partition];
  for (size_t i = 0; i < txn_of.size(); ++i) {
    if (txn_of[i] != 0 && txns_.at(txn_of[i]) == TxnStatus::kOpen) return static_cast<int64_t>(i);
  }
  return static_cast<int64_t>(txn_of.size());
}

absl::StatusOr<ReadResult> MemoryPartitionClient::ReadCommitted(const std::string& topic,
                                                                int32_t partition, int64_t offset,
                                                                int32_t max_bytes, int32_t) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(std::vector<ClientRecord>* p, PartitionLocked(topic, partition));
  const Topic& t = topics_.at(topic);
  const int64_t lso = StableEndLocked(t, partition);
  if (offset < 0 || offset > static_cast<int64_t>(p->size())) {
    return absl::OutOfRangeError(absl::StrCat("offset ", offset, " outside [0, ", p->size(), "]"));
  }
  ReadResult result;
  int64_t bytes = 0;
  int64_t o = offset;
  for (; o < lso; ++o) {
    const ClientRecord& r = (*p)[o];
    const int64_t txn = t.txn_of[partition][o];
    if (txn != 0 && txns_.at(txn) != TxnStatus::kCommitted) continue;
    if (!result.records.empty() && bytes + static_cast<int64_t>(r.value.size()) > max_bytes) break;
    bytes += static_cast<int64_t>(r.key.size() + r.value.size());
    result.records.push_back(r);
  }
  result.next_offset = std::max(o, offset);
  result.end_offset = lso;
  return result;
}

absl::StatusOr<std::vector<ClientRecord>> MemoryPartitionClient::ReadAllCommitted(
    const std::string& topic, int32_t partition) {
  ASSIGN_OR_RETURN(ReadResult r, ReadCommitted(topic, partition, 0, INT32_MAX, 0));
  return std::move(r.records);
}

bool MemoryPartitionClient::AbortOpenTransaction(const std::string& transactional_id) {
  absl::MutexLock l(&mu_);
  auto it = producers_.find(transactional_id);
  if (it == producers_.end() || it->second.open == 0) return false;
  txns_[it->second.open] = TxnStatus::kAborted;
  it->second.last = it->second.open;
  it->second.open = 0;
  return true;
}

int MemoryPartitionClient::OpenTransactions() {
  absl::MutexLock l(&mu_);
  int n = 0;
  for (const auto& [_, p] : producers_) n += p.open != 0;
  return n;
}

}  // namespace rtai::engine::io
