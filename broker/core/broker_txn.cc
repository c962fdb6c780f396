// BrokerImpl as the transaction coordinator's TxnBroker, and the
// coordinator's lifecycle (open with recovery, periodic Tick thread).

#include <csignal>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/core/broker_impl.h"
#include "broker/log/txn_batch.h"

namespace rtai::broker {

namespace {

// Crash tests (tests/interop/kafka_txn_crash_test.py) set
// RTAI_TXN_FAILPOINT=<point> to SIGKILL rtaid at a coordinator failpoint
// ("prepared", "marker_written"; see TransactionCoordinatorOptions).
void InstallFailpointFromEnv(txn::TransactionCoordinatorOptions* o) {
  const char* want = std::getenv("RTAI_TXN_FAILPOINT");
  if (want == nullptr || *want == '\0' || o->failpoint) return;
  LogWarning("transaction failpoint armed: the process kills itself there",
             {{"point", want}});
  o->failpoint = [point = std::string(want)](const char* at) {
    if (point == at) std::raise(SIGKILL);
  };
}

}  // namespace

absl::Status BrokerImpl::StartTransactions() {
  txn::TransactionCoordinatorOptions txn_options = options_.transactions;
  InstallFailpointFromEnv(&txn_options);
  ASSIGN_OR_RETURN(
      coordinator_,
      txn::TransactionCoordinator::Open(
          txn_options, fs_,
          JoinPath(options_.data_dir, "transactions"), clock_, this));
  txn_thread_ = std::thread([this] {
    const absl::Duration interval =
        absl::Milliseconds(options_.transaction_check_interval_ms);
    absl::MutexLock l(&txn_thread_mu_);
    while (!txn_thread_stop_) {
      txn_thread_mu_.AwaitWithTimeout(
          absl::Condition(&txn_thread_stop_), interval);
      if (txn_thread_stop_) break;
      txn_thread_mu_.Unlock();
      coordinator_->Tick();
      txn_thread_mu_.Lock();
    }
  });
  return absl::OkStatus();
}

void BrokerImpl::StopTransactions() {
  {
    absl::MutexLock l(&txn_thread_mu_);
    txn_thread_stop_ = true;
  }
  if (txn_thread_.joinable()) txn_thread_.join();
}

absl::Status BrokerImpl::CheckPartition(const txn::TopicPartition& tp) {
  return FindPartition(tp.first, PartitionId(tp.second)).status();
}

absl::Status BrokerImpl::BeginTransaction(const txn::TopicPartition& tp,
                                          int64_t producer_id, int16_t epoch) {
  ASSIGN_OR_RETURN(std::shared_ptr<PartitionState> p,
                   FindPartition(tp.first, PartitionId(tp.second)));
  absl::ReaderMutexLock l(&p->life_mu);
  if (p->closed) return PartitionGoneError(*p);
  return p->log->BeginTransaction(producer_id, epoch);
}

void BrokerImpl::WriteMarker(const txn::TopicPartition& tp,
                             int64_t producer_id, int16_t epoch, bool commit,
                             absl::AnyInvocable<void(absl::Status)> done) {
  if (stopping_) return done(absl::UnavailableError("broker is shutting down"));
  absl::StatusOr<std::shared_ptr<PartitionState>> p =
      FindPartition(tp.first, PartitionId(tp.second));
  if (!p.ok()) return done(p.status());
  std::string batch = BuildControlBatch(producer_id, epoch,
                                        TxnMarker{commit, /*epoch=*/0},
                                        clock_->NowMillis());
  QueueAppend(*std::move(p), std::move(batch), Acks::kAll, /*admitted=*/false,
              [done = std::move(done)](absl::StatusOr<AppendInfo> r) mutable {
                done(r.status());
              });
}

}  // namespace rtai::broker
