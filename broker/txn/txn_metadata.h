#pragma once
// TxnMetadata: what the transaction coordinator knows about one
// transactional id (Kafka's TransactionMetadata): its producer id and
// epoch, the transaction timeout, the state of its current transaction and
// the partitions in it. States and transitions: docs/TRANSACTIONS.md.

#include <cstdint>
#include <set>
#include <string>
#include <utility>

namespace rtai::broker::txn {

using TopicPartition = std::pair<std::string, int32_t>;

enum class TxnState : uint8_t {
  kEmpty = 0,          // no transaction open
  kOngoing = 1,        // partitions added, data may be written
  kPrepareCommit = 2,  // commit decided (durable); markers being written
  kPrepareAbort = 3,   // abort decided (durable); markers being written
  kCompleteCommit = 4, // markers of the last transaction written: committed
  kCompleteAbort = 5,  // ... aborted
  kDead = 6,           // expired; a tombstone in the state log
};

// "Empty", "Ongoing", ... (Kafka's names).
const char* TxnStateName(TxnState s);

struct TxnMetadata {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  // The epoch before the coordinator last bumped it to abort a transaction
  // (timeout or fencing), so the old incarnation's retried abort is
  // recognized; -1 when none (Kafka's lastProducerEpoch).
  int16_t last_epoch = -1;
  int32_t timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::set<TopicPartition> partitions;  // of the current/last transaction
  int64_t txn_start_ms = -1;   // when the current transaction began
  int64_t last_update_ms = 0;  // last state change (expiration clock)

  bool operator==(const TxnMetadata& o) const = default;
};

}  // namespace rtai::broker::txn
