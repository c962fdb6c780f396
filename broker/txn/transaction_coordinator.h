#pragma once
// TransactionCoordinator: Kafka's transaction coordinator for this single
// node (docs/TRANSACTIONS.md). Owns every transactional id's TxnMetadata,
// persisted in a TxnStateLog before any step that depends on it:
//
//   InitProducerId  Empty/Complete* -> epoch+1 (new id: pid, epoch 0);
//                   Ongoing -> aborted with epoch+1 (the old producer is
//                   fenced); Prepare* -> markers completed first.
//   AddPartitions   -> Ongoing (persisted), then each new partition armed
//                   (PartitionLog::BeginTransaction) for (pid, epoch).
//   EndTransaction  Ongoing -> PrepareCommit/PrepareAbort (persisted: the
//                   decision), markers written to every partition (durable),
//                   -> CompleteCommit/CompleteAbort (persisted).
//   Tick            Ongoing past its timeout -> aborted with epoch+1;
//                   Prepare* whose markers failed -> retried; idle ids past
//                   transactional_id_expiration_ms -> removed.
// Open() recovers: Prepare* transactions get their markers, Ongoing ones
// are re-armed and left to finish or time out.
//
// Errors: txn_errors.h (Status code for in-process callers, Kafka error
// name as payload). Thread safety: all methods thread-safe. One mutex
// guards the state; it is released while a step waits for its state-log
// fsync (group commit: concurrent steps of different ids share one) or its
// markers, so different transactional ids proceed concurrently. Calls for
// the same id are serialized (a call waits until the previous one for that
// id finished; Tick skips ids a call is working on). Calls block on disk:
// never call on a network thread (Schedule runs work on the coordinator's
// own threads). `fs`, `clock` and `broker` outlive the coordinator.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "absl/functional/any_invocable.h"
#include "broker/txn/txn_broker.h"
#include "broker/txn/txn_executor.h"
#include "broker/txn/txn_metadata.h"
#include "broker/txn/txn_state_log.h"

namespace rtai::broker::txn {

struct TransactionCoordinatorOptions {
  // Largest transaction timeout a producer may ask for
  // (transaction.max.timeout.ms). Default: 900000 (ms).
  int32_t max_transaction_timeout_ms = 900000;
  // An id with no transaction open and no request for this long is
  // forgotten (transactional.id.expiration.ms). Default: 604800000 (ms).
  int64_t transactional_id_expiration_ms = int64_t{7} * 24 * 3600 * 1000;
  // Transactional ids kept; a new one beyond it is refused
  // (COORDINATOR_NOT_AVAILABLE, retriable). Default: 100000.
  int32_t max_transactional_ids = 100000;
  // Partitions in one transaction. Default: 10000.
  int32_t max_partitions_per_transaction = 10000;
  // Threads that run Schedule()d requests (the Kafka transaction handlers'
  // blocking calls; each waits for fsyncs). Default: 8.
  int32_t request_threads = 8;
  // Schedule()d requests waiting for a thread; beyond, Schedule refuses
  // (the handler answers a retriable error). Default: 1024.
  int32_t max_queued_requests = 1024;
  // The state log is compacted past this size. Default: 4 MiB (bytes).
  int64_t state_log_compact_bytes = int64_t{4} << 20;
  // Test failpoint, called at "prepared" (a Prepare* state is durable, no
  // marker written yet) and "marker_written" (the first marker of a
  // transaction is durable). Crash tests kill the process there.
  // Default: none.
  std::function<void(const char* point)> failpoint;

  absl::Status Validate() const;
};

struct ProducerIdAndEpoch {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

class TransactionCoordinator {
 public:
  // Called after a transaction's markers are durable, with the coordinator
  // lock held (must not call back into the coordinator).
  using CompletionListener = std::function<void(
      int64_t producer_id, bool commit, const std::set<TopicPartition>&)>;

  // Loads the state from `dir` and recovers (see the class comment).
  static absl::StatusOr<std::unique_ptr<TransactionCoordinator>> Open(
      TransactionCoordinatorOptions options, FileSystem* fs,
      const std::string& dir, Clock* clock, TxnBroker* broker);

  // InitProducerId with a transactional id. `expected` (KIP-360, v3+):
  // when producer_id >= 0 it must be the id's current producer and epoch.
  // Errors: INVALID_TRANSACTION_TIMEOUT (kInvalidArgument), PRODUCER_FENCED
  // (kFailedPrecondition), CONCURRENT_TRANSACTIONS and
  // COORDINATOR_NOT_AVAILABLE (kUnavailable).
  absl::StatusOr<ProducerIdAndEpoch> InitProducerId(
      const std::string& transactional_id, int32_t timeout_ms,
      ProducerIdAndEpoch expected = {});

  // Adds partitions to the producer's transaction (beginning one if none is
  // open). Errors: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED,
  // INVALID_TXN_STATE (kFailedPrecondition), UNKNOWN_TOPIC_OR_PARTITION
  // (kNotFound), CONCURRENT_TRANSACTIONS (kUnavailable).
  absl::Status AddPartitions(const std::string& transactional_id,
                             ProducerIdAndEpoch producer,
                             const std::vector<TopicPartition>& partitions);

  // OK when `tp` is in the producer's ongoing transaction (TxnOffsetCommit
  // after AddOffsetsToTxn); a negative tp.second only checks that one is
  // ongoing. Same errors as AddPartitions.
  absl::Status CheckInTransaction(const std::string& transactional_id,
                                  ProducerIdAndEpoch producer,
                                  const TopicPartition& tp);

  // EndTxn. Returns once the markers are durable. Idempotent: OK when the
  // producer's last transaction already ended the same way or none was
  // open. INVALID_TXN_STATE when it ended the other way; PRODUCER_FENCED;
  // COORDINATOR_NOT_AVAILABLE (kUnavailable) when markers could not be
  // written (retry: the decision is durable and will be completed).
  absl::Status EndTransaction(const std::string& transactional_id,
                              ProducerIdAndEpoch producer, bool commit);

  // Timeouts, marker retries and id expiration (see the class comment).
  // Returns the number of transactions aborted by timeout.
  int Tick();

  // Runs `task` on one of the coordinator's request threads (for callers on
  // network threads). False, and `task` dropped, when max_queued_requests
  // tasks are waiting. Queued tasks still run when the coordinator is
  // destroyed (before its state goes).
  bool Schedule(absl::AnyInvocable<void()> task);

  void SetCompletionListener(CompletionListener listener);
  std::optional<TxnMetadata> Describe(const std::string& transactional_id) const;
  size_t size() const;

 private:
  TransactionCoordinator(TransactionCoordinatorOptions options, Clock* clock,
                         TxnBroker* broker)
      : options_(options), clock_(clock), broker_(broker) {}

  class IdClaim;
  enum class TickAction { kNone, kTimeout, kComplete, kExpire };

  void RecoverLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits until no call holds `id`, then holds it (IdClaim).
  void ClaimLocked(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReleaseLocked(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  TickAction TickActionLocked(const TxnMetadata& m) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Stores `m` in the map and the log (durable unless !sync: the lock is
  // released while the group commit fsyncs). Any log failure fails the
  // coordinator.
  absl::Status PersistLocked(const TxnMetadata& m, bool sync = true)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status UsableLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Looks up the id and checks the producer against it.
  absl::StatusOr<TxnMetadata> FindProducerLocked(const std::string& id,
                                                 ProducerIdAndEpoch producer)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Writes the markers of a Prepare* transaction (lock released while they
  // become durable), then Complete*.
  absl::Status CompleteLocked(TxnMetadata m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Aborts an Ongoing transaction with a bumped epoch (timeout, fencing).
  absl::Status FenceAndAbortLocked(TxnMetadata m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // epoch+1, or a new producer id at epoch 0 when the epoch is exhausted.
  absl::Status BumpEpochLocked(TxnMetadata* m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TransactionCoordinatorOptions options_;
  Clock* const clock_;
  TxnBroker* const broker_;
  mutable absl::Mutex mu_;
  std::unique_ptr<TxnStateLog> log_ ABSL_GUARDED_BY(mu_);
  TxnStateLog::State txns_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  CompletionListener listener_ ABSL_GUARDED_BY(mu_);
  // Transactional ids a call is working on (claimed), and their release.
  std::set<std::string> busy_ ABSL_GUARDED_BY(mu_);
  absl::CondVar idle_;
  // Last member: destroyed (queued tasks run, threads joined) first.
  std::unique_ptr<TxnExecutor> executor_;
};

}  // namespace rtai::broker::txn
