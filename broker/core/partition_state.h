#pragma once
// PartitionState: the broker's in-memory view of one partition: its log, the
// leader epoch stamped on appends, the flush policy that defines its high
// watermark, and the fetches parked on it (long poll).
//
// Lifecycle: `life_mu` is held shared by every broker user of `log`
// (appends, interval syncs, reads, retention) and exclusively by Close(), so
// deleting a topic never races an I/O on its log. The GroupCommitter's
// fsyncs run without it: PartitionLog serializes Sync() with Close() itself
// and fails a Sync() after Close(). Lock order: Broker::mu_ -> life_mu -> waiters_mu.
// Thread-safe. Owned by shared_ptr (topic table, disk tasks, parked fetches).

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "broker/core/broker.h"
#include "broker/log/partition_log.h"

namespace rtai::broker {

// A Fetch waiting for the high watermark to pass `offset`.
struct ParkedFetch {
  Offset offset;
  int32_t max_bytes = 0;
  Isolation isolation = Isolation::kReadUncommitted;
  uint64_t timer_id = 0;
  FetchCallback done;
};

struct PartitionState {
  PartitionState(std::string topic_name, PartitionId id, LeaderEpoch epoch,
                 FlushPolicy policy, int disk_shard,
                 std::unique_ptr<PartitionLog> partition_log)
      : topic(std::move(topic_name)),
        partition(id),
        leader_epoch(epoch),
        flush_policy(policy),
        shard(disk_shard),
        log(std::move(partition_log)) {}

  // Consumers see offsets below this: durable_end_offset under kPerWrite
  // (nothing a crash could lose), log_end_offset under kInterval.
  // Callers hold life_mu (shared) and have checked !closed.
  Offset HighWatermark() const {
    return flush_policy == FlushPolicy::kPerWrite ? log->durable_end_offset()
                                                  : log->log_end_offset();
  }

  // min(high watermark, first offset of the oldest open transaction).
  // Callers hold life_mu (shared) and have checked !closed.
  Offset LastStableOffset() const {
    const Offset hw = HighWatermark();
    const Offset unstable = log->FirstUnstableOffset();
    return unstable.value() >= 0 && unstable < hw ? unstable : hw;
  }
  // What a fetch at `isolation` may read up to.
  Offset ReadLimit(Isolation isolation) const {
    return isolation == Isolation::kReadCommitted ? LastStableOffset()
                                                  : HighWatermark();
  }

  // Reads [offset, read limit) into a FetchResult (with the aborted
  // transactions of what it returns under kReadCommitted). Takes life_mu.
  absl::StatusOr<FetchResult> Read(
      Offset offset, int32_t max_bytes,
      Isolation isolation = Isolation::kReadUncommitted) const;

  // Syncs and closes the log; later users see kNotFound. Idempotent.
  absl::Status Close();

  const std::string topic;
  const PartitionId partition;
  const LeaderEpoch leader_epoch;
  const FlushPolicy flush_policy;
  const int shard;  // disk thread that owns this partition's writes
  // Produce rejects larger batches before queueing them (the log checks too).
  int32_t max_message_bytes = 0;

  mutable absl::Mutex life_mu;
  bool closed ABSL_GUARDED_BY(life_mu) = false;
  const std::unique_ptr<PartitionLog> log;

  absl::Mutex waiters_mu ABSL_ACQUIRED_AFTER(life_mu);
  std::map<uint64_t, ParkedFetch> waiters ABSL_GUARDED_BY(waiters_mu);

  // At most one queued interval-sync / retention task per partition.
  std::atomic<bool> sync_queued{false};
  std::atomic<bool> retention_queued{false};
};

// kNotFound for a partition whose topic was deleted.
absl::Status PartitionGoneError(const PartitionState& p);

}  // namespace rtai::broker
