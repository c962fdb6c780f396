#include "broker/txn/transaction_coordinator.h"

#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/txn/txn_errors.h"

namespace rtai::broker::txn {
namespace {

bool IsPrepare(TxnState s) {
  return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort;
}

absl::Status Fenced(const TxnMetadata& m, ProducerIdAndEpoch p) {
  return TxnError(absl::StatusCode::kFailedPrecondition, kProducerFenced,
                  absl::StrCat("transactional id \"", m.transactional_id,
                               "\": producer epoch ", p.producer_epoch,
                               " is fenced by epoch ", m.producer_epoch));
}

absl::Status Concurrent(const TxnMetadata& m) {
  return TxnError(absl::StatusCode::kUnavailable, kConcurrentTransactions,
                  absl::StrCat("transactional id \"", m.transactional_id,
                               "\" is completing a transaction (",
                               TxnStateName(m.state), "); retry"));
}

}  // namespace

// Claims a transactional id for one call (waiting while another call holds
// it) and releases it at scope exit. The coordinator's lock must be held at
// both ends.
class TransactionCoordinator::IdClaim {
 public:
  IdClaim(TransactionCoordinator* c, std::string id)
      : c_(c), id_(std::move(id)) {
    c_->ClaimLocked(id_);
  }
  ~IdClaim() { c_->ReleaseLocked(id_); }
  IdClaim(const IdClaim&) = delete;
  IdClaim& operator=(const IdClaim&) = delete;

 private:
  TransactionCoordinator* const c_;
  const std::string id_;
};

absl::Status TransactionCoordinatorOptions::Validate() const {
  if (max_transaction_timeout_ms < 1) {
    return absl::InvalidArgumentError("max_transaction_timeout_ms must be >= 1");
  }
  if (transactional_id_expiration_ms < 1) {
    return absl::InvalidArgumentError(
        "transactional_id_expiration_ms must be >= 1");
  }
  if (request_threads < 1 || request_threads > 256 || max_queued_requests < 1) {
    return absl::InvalidArgumentError(
        "request_threads must be in [1, 256] and max_queued_requests >= 1");
  }
  if (max_transactional_ids < 1 || max_partitions_per_transaction < 1) {
    return absl::InvalidArgumentError(
        "max_transactional_ids and max_partitions_per_transaction must be >= 1");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TransactionCoordinator>>
TransactionCoordinator::Open(TransactionCoordinatorOptions options,
                             FileSystem* fs, const std::string& dir,
                             Clock* clock, TxnBroker* broker) {
  RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<TransactionCoordinator> c(
      new TransactionCoordinator(options, clock, broker));
  c->executor_ = std::make_unique<TxnExecutor>(
      options.request_threads, static_cast<size_t>(options.max_queued_requests));
  absl::MutexLock l(&c->mu_);
  ASSIGN_OR_RETURN(c->log_, TxnStateLog::Open(fs, dir, &c->txns_,
                                              options.state_log_compact_bytes));
  c->RecoverLocked();
  return c;
}

void TransactionCoordinator::RecoverLocked() {
  std::vector<TxnMetadata> all;
  for (const auto& [id, m] : txns_) all.push_back(m);
  int completed = 0, rearmed = 0;
  for (const TxnMetadata& m : all) {
    if (IsPrepare(m.state)) {
      absl::Status s = CompleteLocked(m);
      if (s.ok()) ++completed;
      if (!s.ok()) {
        LogWarning("transaction markers not written at recovery; retried later",
                   {{"transactional_id", m.transactional_id},
                    {"error", s.ToString()}});
      }
    } else if (m.state == TxnState::kOngoing) {
      for (const TopicPartition& tp : m.partitions) {
        absl::Status s =
            broker_->BeginTransaction(tp, m.producer_id, m.producer_epoch);
        if (!s.ok() && !absl::IsNotFound(s)) {
          LogWarning("could not re-arm a partition of an ongoing transaction",
                     {{"transactional_id", m.transactional_id},
                      {"topic", tp.first},
                      {"partition", tp.second},
                      {"error", s.ToString()}});
        }
      }
      ++rearmed;
    }
  }
  LogInfo("transaction coordinator recovered",
          {{"transactional_ids", static_cast<int64_t>(txns_.size())},
           {"completed", completed},
           {"ongoing", rearmed}});
}

absl::Status TransactionCoordinator::UsableLocked() const {
  if (failure_.ok()) return failure_;
  return TxnError(absl::StatusCode::kUnavailable, kCoordinatorNotAvailable,
                  absl::StrCat("transaction state log failed: ",
                               failure_.message()));
}

absl::Status TransactionCoordinator::PersistLocked(const TxnMetadata& m, bool sync) {
  RETURN_IF_ERROR(UsableLocked());
  if (m.state == TxnState::kDead) {
    txns_.erase(m.transactional_id);
  } else {
    txns_[m.transactional_id] = m;
  }
  absl::StatusOr<int64_t> seq = log_->Write(m, txns_);
  absl::Status s = seq.status();
  if (s.ok() && sync) {
    // Group commit: other ids' steps go on (and share this fsync) meanwhile;
    // this id is claimed, so nothing acts on its not-yet-durable state.
    mu_.Unlock();
    s = log_->SyncTo(*seq);
    mu_.Lock();
  }
  if (!s.ok()) {
    if (failure_.ok()) {
      failure_ = s;
      LogError("transaction state log write failed; coordinator unavailable",
               {{"error", s.ToString()}});
    }
    return UsableLocked();
  }
  return absl::OkStatus();
}

void TransactionCoordinator::ClaimLocked(const std::string& id) {
  while (busy_.count(id) != 0) idle_.Wait(&mu_);
  busy_.insert(id);
}

void TransactionCoordinator::ReleaseLocked(const std::string& id) {
  busy_.erase(id);
  idle_.SignalAll();
}

absl::Status TransactionCoordinator::BumpEpochLocked(TxnMetadata* m) {
  if (m->producer_epoch < std::numeric_limits<int16_t>::max() - 1) {
    ++m->producer_epoch;
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> id = broker_->AllocateProducerId();
  if (!id.ok()) {
    return TxnError(absl::StatusCode::kUnavailable, kCoordinatorNotAvailable,
                    id.status().message());
  }
  m->producer_id = *id;
  m->producer_epoch = 0;
  m->last_epoch = -1;
  return absl::OkStatus();
}

absl::StatusOr<ProducerIdAndEpoch> TransactionCoordinator::InitProducerId(
    const std::string& id, int32_t timeout_ms, ProducerIdAndEpoch expected) {
  if (timeout_ms < 1 || timeout_ms > options_.max_transaction_timeout_ms) {
    return TxnError(absl::StatusCode::kInvalidArgument,
                    kInvalidTransactionTimeout,
                    absl::StrCat("transaction timeout ", timeout_ms,
                                 " ms is outside [1, ",
                                 options_.max_transaction_timeout_ms, "]"));
  }
  absl::MutexLock l(&mu_);
  IdClaim claim(this, id);
  RETURN_IF_ERROR(UsableLocked());
  const int64_t now = clock_->NowMillis();
  auto it = txns_.find(id);
  if (it == txns_.end()) {
    if (txns_.size() >= static_cast<size_t>(options_.max_transactional_ids)) {
      return TxnError(absl::StatusCode::kUnavailable, kCoordinatorNotAvailable,
                      absl::StrCat("transactional id limit ",
                                   options_.max_transactional_ids, " reached"));
    }
    absl::StatusOr<int64_t> pid = broker_->AllocateProducerId();
    if (!pid.ok()) {
      return TxnError(absl::StatusCode::kUnavailable, kCoordinatorNotAvailable,
                      pid.status().message());
    }
    TxnMetadata m;
    m.transactional_id = id;
    m.producer_id = *pid;
    m.producer_epoch = 0;
    m.timeout_ms = timeout_ms;
    m.last_update_ms = now;
    RETURN_IF_ERROR(PersistLocked(m));
    return ProducerIdAndEpoch{m.producer_id, m.producer_epoch};
  }
  TxnMetadata m = it->second;
  if (expected.producer_id >= 0 &&
      (expected.producer_id != m.producer_id ||
       (expected.producer_epoch != m.producer_epoch &&
        expected.producer_epoch != m.last_epoch))) {
    return Fenced(m, expected);
  }
  if (IsPrepare(m.state)) {
    if (!CompleteLocked(m).ok()) return Concurrent(m);
    m = txns_[id];
  }
  if (m.state == TxnState::kOngoing) {
    m.timeout_ms = timeout_ms;
    RETURN_IF_ERROR(FenceAndAbortLocked(m));
    m = txns_[id];
    return ProducerIdAndEpoch{m.producer_id, m.producer_epoch};
  }
  m.last_epoch = -1;
  RETURN_IF_ERROR(BumpEpochLocked(&m));
  m.timeout_ms = timeout_ms;
  m.last_update_ms = now;
  RETURN_IF_ERROR(PersistLocked(m));
  return ProducerIdAndEpoch{m.producer_id, m.producer_epoch};
}

absl::StatusOr<TxnMetadata> TransactionCoordinator::FindProducerLocked(
    const std::string& id, ProducerIdAndEpoch producer) {
  RETURN_IF_ERROR(UsableLocked());
  auto it = txns_.find(id);
  if (it == txns_.end() || it->second.producer_id != producer.producer_id) {
    return TxnError(absl::StatusCode::kFailedPrecondition,
                    kInvalidProducerIdMapping,
                    absl::StrCat("transactional id \"", id,
                                 "\" is not held by producer id ",
                                 producer.producer_id));
  }
  if (it->second.producer_epoch != producer.producer_epoch) {
    return Fenced(it->second, producer);
  }
  return it->second;
}

absl::Status TransactionCoordinator::AddPartitions(
    const std::string& id, ProducerIdAndEpoch producer,
    const std::vector<TopicPartition>& partitions) {
  absl::MutexLock l(&mu_);
  IdClaim claim(this, id);
  ASSIGN_OR_RETURN(TxnMetadata m, FindProducerLocked(id, producer));
  if (IsPrepare(m.state)) {
    if (!CompleteLocked(m).ok()) return Concurrent(m);
    m = txns_[id];
  }
  const int64_t now = clock_->NowMillis();
  if (m.state != TxnState::kOngoing) {
    m.partitions.clear();
    m.txn_start_ms = now;
  }
  std::vector<TopicPartition> added;
  for (const TopicPartition& tp : partitions) {
    if (m.partitions.count(tp) != 0) continue;
    absl::Status s = broker_->CheckPartition(tp);
    if (!s.ok()) {
      return TxnError(absl::StatusCode::kNotFound, kUnknownTopicOrPartition,
                      s.message());
    }
    added.push_back(tp);
    m.partitions.insert(tp);
  }
  if (m.partitions.size() >
      static_cast<size_t>(options_.max_partitions_per_transaction)) {
    return TxnError(absl::StatusCode::kInvalidArgument, kInvalidTxnState,
                    absl::StrCat("a transaction may span at most ",
                                 options_.max_partitions_per_transaction,
                                 " partitions"));
  }
  if (added.empty() && m.state == TxnState::kOngoing) return absl::OkStatus();
  m.state = TxnState::kOngoing;
  m.last_update_ms = now;
  RETURN_IF_ERROR(PersistLocked(m));
  for (const TopicPartition& tp : added) {
    absl::Status s =
        broker_->BeginTransaction(tp, m.producer_id, m.producer_epoch);
    if (!s.ok()) {
      return TxnError(absl::IsNotFound(s) ? absl::StatusCode::kNotFound
                                          : absl::StatusCode::kFailedPrecondition,
                      absl::IsNotFound(s) ? kUnknownTopicOrPartition
                                          : kProducerFenced,
                      s.message());
    }
  }
  return absl::OkStatus();
}

absl::Status TransactionCoordinator::CheckInTransaction(
    const std::string& id, ProducerIdAndEpoch producer,
    const TopicPartition& tp) {
  absl::MutexLock l(&mu_);
  IdClaim claim(this, id);
  ASSIGN_OR_RETURN(TxnMetadata m, FindProducerLocked(id, producer));
  if (m.state != TxnState::kOngoing ||
      (tp.second >= 0 && m.partitions.count(tp) == 0)) {
    return TxnError(absl::StatusCode::kFailedPrecondition, kInvalidTxnState,
                    absl::StrCat(tp.first, "-", tp.second,
                                 " is not in an ongoing transaction of \"",
                                 id, "\""));
  }
  return absl::OkStatus();
}

absl::Status TransactionCoordinator::EndTransaction(const std::string& id,
                                                    ProducerIdAndEpoch producer,
                                                    bool commit) {
  absl::MutexLock l(&mu_);
  IdClaim claim(this, id);
  RETURN_IF_ERROR(UsableLocked());
  auto it = txns_.find(id);
  // The old incarnation retrying the abort the coordinator already did.
  if (it != txns_.end() && !commit &&
      it->second.producer_id == producer.producer_id &&
      it->second.last_epoch == producer.producer_epoch &&
      it->second.state == TxnState::kCompleteAbort) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(TxnMetadata m, FindProducerLocked(id, producer));
  const TxnState prepare =
      commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  const TxnState complete =
      commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  switch (m.state) {
    case TxnState::kEmpty:
      return absl::OkStatus();
    case TxnState::kOngoing:
      m.state = prepare;
      m.last_update_ms = clock_->NowMillis();
      RETURN_IF_ERROR(PersistLocked(m));
      return CompleteLocked(m);
    default:
      break;
  }
  if (m.state == prepare) return CompleteLocked(m);
  if (m.state == complete) return absl::OkStatus();
  return TxnError(absl::StatusCode::kFailedPrecondition, kInvalidTxnState,
                  absl::StrCat("cannot ", commit ? "commit" : "abort",
                               " transactional id \"", id, "\" in state ",
                               TxnStateName(m.state)));
}

absl::Status TransactionCoordinator::CompleteLocked(TxnMetadata m) {
  const bool commit = m.state == TxnState::kPrepareCommit;
  if (options_.failpoint) options_.failpoint("prepared");
  // Shared with the callbacks: the last one may still be unlocking when the
  // wait below returns.
  struct Wait {
    absl::Mutex mu;
    int pending ABSL_GUARDED_BY(mu) = 0;
    absl::Status first_error ABSL_GUARDED_BY(mu);
  };
  auto wait = std::make_shared<Wait>();
  // The markers' appends and fsyncs run without the coordinator's lock
  // (other ids go on; this one is claimed by the caller).
  mu_.Unlock();
  {
    absl::MutexLock wl(&wait->mu);
    wait->pending = static_cast<int>(m.partitions.size());
  }
  for (const TopicPartition& tp : m.partitions) {
    broker_->WriteMarker(tp, m.producer_id, m.producer_epoch, commit,
                         [this, wait](absl::Status s) {
                           if (s.ok() && options_.failpoint) {
                             options_.failpoint("marker_written");
                           }
                           absl::MutexLock wl(&wait->mu);
                           // A deleted partition needs no marker.
                           if (!s.ok() && !absl::IsNotFound(s) &&
                               wait->first_error.ok()) {
                             wait->first_error = s;
                           }
                           --wait->pending;
                         });
  }
  absl::Status error;
  {
    absl::MutexLock wl(&wait->mu);
    wait->mu.Await(absl::Condition(
        +[](Wait* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu) {
          return w->pending == 0;
        },
        wait.get()));
    error = wait->first_error;
  }
  mu_.Lock();
  if (!error.ok()) {
    return TxnError(absl::StatusCode::kUnavailable, kCoordinatorNotAvailable,
                    absl::StrCat("writing transaction markers: ",
                                 error.message()));
  }
  m.state = commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  m.last_update_ms = clock_->NowMillis();
  // Not fsynced: until a later record is, a crash leaves Prepare*, and
  // recovery writes the same markers again (a marker for a transaction that
  // is not open is a no-op). No later transaction of this producer can have
  // written data meanwhile: that needs AddPartitions, whose record is
  // fsynced (and this one with it) before any partition is armed.
  RETURN_IF_ERROR(PersistLocked(m, /*sync=*/false));
  if (listener_) listener_(m.producer_id, commit, m.partitions);
  return absl::OkStatus();
}

absl::Status TransactionCoordinator::FenceAndAbortLocked(TxnMetadata m) {
  const int16_t old_epoch = m.producer_epoch;
  if (m.producer_epoch < std::numeric_limits<int16_t>::max() - 1) {
    ++m.producer_epoch;
    m.last_epoch = old_epoch;
  }
  m.state = TxnState::kPrepareAbort;
  m.last_update_ms = clock_->NowMillis();
  RETURN_IF_ERROR(PersistLocked(m));
  return CompleteLocked(m);
}

int TransactionCoordinator::Tick() {
  absl::MutexLock l(&mu_);
  if (!UsableLocked().ok()) return 0;
  // Collects only the ids that need work (the map may hold many idle ones);
  // each is looked at again when its turn comes, since the lock is released
  // during a step's fsyncs and marker writes.
  std::vector<std::string> due;
  for (const auto& [id, m] : txns_) {
    if (TickActionLocked(m) != TickAction::kNone) due.push_back(id);
  }
  int aborted = 0;
  for (const std::string& id : due) {
    if (busy_.count(id) != 0) continue;  // a client's call is working on it
    auto it = txns_.find(id);
    if (it == txns_.end()) continue;
    TxnMetadata m = it->second;
    IdClaim claim(this, id);
    switch (TickActionLocked(m)) {
      case TickAction::kNone:
        break;
      case TickAction::kTimeout:
        LogInfo("aborting transaction past its timeout",
                {{"transactional_id", m.transactional_id},
                 {"producer_id", m.producer_id},
                 {"timeout_ms", m.timeout_ms}});
        if (FenceAndAbortLocked(m).ok()) ++aborted;
        break;
      case TickAction::kComplete:
        (void)CompleteLocked(m);
        break;
      case TickAction::kExpire:
        m.state = TxnState::kDead;
        if (PersistLocked(m).ok()) {
          LogInfo("transactional id expired",
                  {{"transactional_id", m.transactional_id}});
        }
        break;
    }
  }
  return aborted;
}

TransactionCoordinator::TickAction TransactionCoordinator::TickActionLocked(
    const TxnMetadata& m) const {
  const int64_t now = clock_->NowMillis();
  if (m.state == TxnState::kOngoing) {
    return now - m.txn_start_ms > m.timeout_ms ? TickAction::kTimeout
                                               : TickAction::kNone;
  }
  if (IsPrepare(m.state)) return TickAction::kComplete;
  return now - m.last_update_ms > options_.transactional_id_expiration_ms
             ? TickAction::kExpire
             : TickAction::kNone;
}

bool TransactionCoordinator::Schedule(absl::AnyInvocable<void()> task) {
  return executor_->TrySchedule(std::move(task));
}

void TransactionCoordinator::SetCompletionListener(CompletionListener listener) {
  absl::MutexLock l(&mu_);
  listener_ = std::move(listener);
}

std::optional<TxnMetadata> TransactionCoordinator::Describe(
    const std::string& id) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = txns_.find(id);
  if (it == txns_.end()) return std::nullopt;
  return it->second;
}

size_t TransactionCoordinator::size() const {
  absl::ReaderMutexLock l(&mu_);
  return txns_.size();
}

}  // namespace rtai::broker::txn
