#pragma once
// MemoryPartitionClient: an in-process PartitionClient over in-memory topics,
// and a TransactionalClient with Kafka's transaction semantics in memory
// (transactional records are appended at once and become visible to
// ReadCommitted when their transaction commits; aborted ones are skipped;
// an open transaction holds back the last stable offset). Transaction
// timeouts are not enforced (no clock); AbortTransactionsOf simulates one.
// Used by tests and benchmarks (an in-process source for Nexmark) where a
// broker is not wanted. Long polls wait on a condition variable. Bounded:
// at most `max_records_per_partition` records per partition (Append beyond
// it is kResourceExhausted). Thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/io/memory_group_offsets.h"
#include "engine/io/partition_client.h"
#include "engine/io/transactional_client.h"

namespace rtai::engine::io {

class MemoryPartitionClient : public PartitionClient, public TransactionalClient {
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
  // Consumer-group offsets in memory (tests drive them through groups()).
  GroupOffsets* group_offsets() override { return &groups_; }
  MemoryGroupOffsets* groups() { return &groups_; }

  absl::StatusOr<TxnHandle> InitTransactions(const std::string& transactional_id,
                                             int32_t timeout_ms) override;
  absl::Status AppendTransactional(const TxnHandle& txn, const std::string& topic,
                                   std::vector<ClientRecord> records) override;
  absl::Status EndTransaction(const TxnHandle& txn, bool commit) override;
  absl::StatusOr<ReadResult> ReadCommitted(const std::string& topic, int32_t partition,
                                           int64_t offset, int32_t max_bytes,
                                           int32_t max_wait_ms) override;
  // What a read_committed consumer sees of a whole partition right now.
  absl::StatusOr<std::vector<ClientRecord>> ReadAllCommitted(const std::string& topic,
                                                             int32_t partition);
  // Aborts the open transaction of `transactional_id` as the broker's
  // timeout would (tests). False if it had none.
  bool AbortOpenTransaction(const std::string& transactional_id);
  // Transactions currently open (tests).
  int OpenTransactions();

 private:
  enum class TxnStatus { kOpen, kCommitted, kAborted };
  struct Topic {
    std::vector<std::vector<ClientRecord>> partitions;
    std::vector<std::vector<int64_t>> txn_of;  // per record: transaction instance, 0 = none
    uint32_t next = 0;
  };
  struct Producer {
    int64_t producer_id = 0;
    int16_t epoch = 0;
    int64_t open = 0;      // open transaction instance, 0 = none
    int64_t last = 0;      // last ended instance
  };
  absl::Status AppendLocked(const std::string& topic, std::vector<ClientRecord> records,
                            int64_t txn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Producer*> ProducerLocked(const TxnHandle& h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int64_t StableEndLocked(const Topic& t, int32_t partition) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<ClientRecord>*> PartitionLocked(const std::string& topic,
                                                             int32_t partition)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_records_;
  MemoryGroupOffsets groups_;
  absl::Mutex mu_;
  std::map<std::string, Topic> topics_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Producer> producers_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, TxnStatus> txns_ ABSL_GUARDED_BY(mu_);
  int64_t next_producer_id_ ABSL_GUARDED_BY(mu_) = 1000;
  int64_t next_txn_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace rtai::engine::io
