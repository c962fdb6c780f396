#pragma once
// TransactionalClient: the engine's view of the broker's Kafka transactions
// (docs/TRANSACTIONS.md), used by the two-phase-commit broker sink
// (docs/CHECKPOINTS.md) and by read_committed readers. Same semantics as the
// Kafka protocol (InitProducerId with a transactional id, AddPartitionsToTxn,
// transactional Produce, EndTxn, read_committed Fetch), so a remote broker can
// implement it over the wire. The in-process adapter lives in cli/
// (BrokerPartitionClient). Implementations are thread-safe.
//
// The 2PC sink follows Flink's KafkaSink: one transactional id per
// (job, sink uid, subtask, checkpoint id); pre-commit = flush; commit on
// checkpoint completion = EndTransaction(handle, true); on recovery the
// checkpointed handle is committed again (idempotent) and later ids are
// fenced with InitTransactions, which aborts whatever they had open.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/io/partition_client.h"

namespace rtai::engine::io {

// Identifies one producer incarnation of a transactional id; small enough to
// be stored in a checkpoint.
struct TxnHandle {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

class TransactionalClient {
 public:
  virtual ~TransactionalClient() = default;

  // InitProducerId with `transactional_id`: fences earlier incarnations
  // (their open transaction is aborted and the epoch bumped; their later
  // calls fail with kFailedPrecondition "fenced"). `timeout_ms` is the
  // transaction timeout: the broker aborts a transaction open longer.
  // A never-used id comes back with producer_epoch 0.
  virtual absl::StatusOr<TxnHandle> InitTransactions(
      const std::string& transactional_id, int32_t timeout_ms) = 0;

  // Appends `records` (partition by murmur2 of the key, else round robin)
  // inside the handle's transaction, which the first append after Init or
  // EndTransaction begins; partitions are added to it as AddPartitionsToTxn
  // does. Returns once the records are durable (acks=all).
  virtual absl::Status AppendTransactional(const TxnHandle& txn,
                                           const std::string& topic,
                                           std::vector<ClientRecord> records) = 0;

  // EndTxn: commits (or aborts) the handle's open transaction and returns
  // once its markers are durable in every partition. Idempotent: OK when
  // the handle's last transaction already ended the same way, or when it
  // never began one. kFailedPrecondition if it ended the other way (e.g. it
  // was aborted by the timeout) or the handle was fenced.
  virtual absl::Status EndTransaction(const TxnHandle& txn, bool commit) = 0;

  // read_committed Fetch: records of committed transactions and
  // non-transactional records below the last stable offset; aborted records
  // and control batches are skipped (next_offset moves past them).
  // ReadResult::end_offset is the last stable offset.
  virtual absl::StatusOr<ReadResult> ReadCommitted(const std::string& topic,
                                                   int32_t partition,
                                                   int64_t offset,
                                                   int32_t max_bytes,
                                                   int32_t max_wait_ms) = 0;
};

}  // namespace rtai::engine::io
