#pragma once
// LogImpl: the PartitionLog implementation (internal to broker/log; use
// PartitionLog::Open). Split over log_impl.cc (append, sync, read),
// log_open.cc (open and recovery) and log_retention.cc.
//
// Locking: append_mu_ serializes writers (Append, roll, retention, Close);
// sync_mu_ serializes fsyncs and segment sealing, so a roll never closes a
// file under a running Sync; mu_ guards the shared view and is held only
// briefly. Order: append_mu_ -> sync_mu_ -> mu_. Readers take mu_ just to
// copy the view, then read through shared segment pointers without locks.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "broker/log/partition_log.h"
#include "broker/log/partition_txn_state.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"

namespace rtai::broker {

class LogImpl final : public PartitionLog {
 public:
  LogImpl(std::string dir, PartitionLogName name, LogConfig config,
          FileSystem* fs, Clock* clock);
  ~LogImpl() override;

  // Lists the directory, cleans stray files and recovers every segment.
  absl::Status Load();

  absl::StatusOr<AppendInfo> Append(std::string batch,
                                    LeaderEpoch leader_epoch) override;
  absl::Status BeginTransaction(int64_t producer_id, int16_t epoch) override;
  Offset FirstUnstableOffset() const override {
    return Offset(first_unstable_.load(std::memory_order_acquire));
  }
  std::vector<AbortedTxn> AbortedTransactions(Offset from,
                                              Offset upper) const override;
  absl::Status Sync() override;
  absl::StatusOr<ReadResult> Read(Offset from, int32_t max_bytes,
                                  Offset limit) const override;
  absl::StatusOr<Offset> OffsetForTimestamp(
      int64_t timestamp_ms) const override;
  absl::StatusOr<int> EnforceRetention() override;
  void UpdateConfig(const LogConfig& config) override;
  Offset log_start_offset() const override;
  Offset log_end_offset() const override;
  Offset durable_end_offset() const override {
    return Offset(durable_end_.load(std::memory_order_acquire));
  }
  LogStats Stats() const override;
  absl::Status health() const override;
  absl::Status Close() override;

 private:
  using SegmentPtr = std::shared_ptr<Segment>;
  // A consistent copy of what readers need.
  struct View {
    std::vector<SegmentPtr> segments;
    int64_t active_size = 0;  // readable bytes of segments.back()
    Offset start;
    Offset end;
  };
  View Snapshot() const;
  int64_t SizeLimit(const View& v, size_t i) const {
    return i + 1 == v.segments.size() ? v.active_size
                                      : v.segments[i]->size_bytes();
  }
  // Seals the active segment (synced) and starts a new one at end_offset_.
  absl::Status RollLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  bool ShouldRoll(const BatchHeader& h, int64_t size, const LogConfig& config)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Marks the log failed with `cause` (first cause wins) and returns the
  // kFailedPrecondition every later call gets.
  absl::Status Fail(const absl::Status& cause);
  // OK, or kFailedPrecondition when failed or closed.
  absl::Status Usable() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status RemoveStrayFiles(const std::vector<std::string>& names,
                                std::vector<Offset>* bases);
  std::string LogName() const;
  // Rebuilds producers_, txns_ and the `.txnindex` of every segment from
  // `window` on from the batches of those segments (log_recovery.cc).
  absl::Status RecoverProducerState(size_t window)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // What the replay of the recovery window has learned so far.
  struct ReplayWindow;
  // Applies one batch of the window to producers_ and txns_ and collects
  // the aborted transactions it ends.
  void ReplayBatch(const BatchHeader& h, absl::string_view batch,
                   ReplayWindow* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Loads the `.txnindex` of the segments before the last two; returns the
  // first segment whose index must be rebuilt instead.
  size_t LoadTxnIndexes();
  // Checks a batch against the producer and transaction state. Returns the
  // original offsets for an idempotent duplicate.
  absl::StatusOr<std::optional<ProducerBatch>> CheckProducer(
      const BatchHeader& h, absl::string_view batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Applies an appended batch to producers_ and txns_ (and the txnindex).
  absl::Status RecordProducer(const BatchHeader& h, absl::string_view batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  void PublishFirstUnstable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);

  const std::string dir_;
  const PartitionLogName name_;
  FileSystem* const fs_;
  Clock* const clock_;

  absl::Mutex append_mu_;
  absl::Mutex sync_mu_ ABSL_ACQUIRED_AFTER(append_mu_);
  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(sync_mu_);
  // Wall-clock time of the active segment's first batch (-1: none yet).
  int64_t roll_base_ms_ ABSL_GUARDED_BY(append_mu_) = -1;
  ProducerStateTable producers_ ABSL_GUARDED_BY(append_mu_);
  PartitionTxnState txns_ ABSL_GUARDED_BY(append_mu_);
  std::atomic<int64_t> first_unstable_{-1};
  LogConfig config_ ABSL_GUARDED_BY(mu_);
  std::vector<SegmentPtr> segments_
      ABSL_GUARDED_BY(mu_);  // by base; back() active
  int64_t active_size_ ABSL_GUARDED_BY(mu_) = 0;
  Offset end_offset_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int64_t> durable_end_{0};
};

}  // namespace rtai::broker
