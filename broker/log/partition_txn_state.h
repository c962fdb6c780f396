#pragma once
// PartitionTxnState: the transactions open in one partition and the guards
// that keep a late or stray write from tearing one (KIP-890-like). The log
// consults it under its append lock, so a check and the append it allows
// are one step.
//
// A producer may append transactional batches only after the coordinator
// added this partition to its transaction (Begin with the producer's
// current epoch); the transaction's marker disarms it again. So:
//  - transactional batch, epoch older than the partition knows (a marker or
//    Begin carried a newer one): INVALID_PRODUCER_EPOCH (fenced);
//  - transactional batch without a Begin for that epoch (never added, or
//    arriving after the marker: a late retry): INVALID_TXN_STATE;
//  - non-transactional batch of a producer with an open transaction here:
//    INVALID_TXN_STATE;
//  - marker with an epoch older than the partition knows: INVALID_PRODUCER_EPOCH.
// Errors are producer errors (producer_state.h: kAborted with a payload).
// The first offset of each open transaction bounds the last stable offset.
// Armed state is memory only: after a restart the coordinator re-arms the
// partitions of its ongoing transactions. Not thread-safe.

#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

class PartitionTxnState {
 public:
  explicit PartitionTxnState(size_t max_producers = 10000)
      : max_producers_(max_producers) {}

  // The coordinator added the partition to `producer_id`'s transaction at
  // `epoch`. Errors: INVALID_PRODUCER_EPOCH when `epoch` is older than one
  // seen here; kResourceExhausted when max_producers have state and none
  // can be forgotten (all have open transactions).
  absl::Status Begin(int64_t producer_id, int16_t epoch);

  // Checks a data batch of a producer (h.producer_id >= 0, not control).
  absl::Status CheckData(const BatchHeader& h) const;
  // Checks a control batch (marker) before it is appended.
  absl::Status CheckMarker(const BatchHeader& h) const;

  // Record an appended batch (h.base_offset stamped). No checks: also used
  // to replay the log at open.
  void OnData(const BatchHeader& h);
  // Returns the first offset of the transaction the marker ends here, or
  // nullopt when the producer had none open in this partition.
  std::optional<int64_t> OnMarker(const BatchHeader& h);
  // Replay only: a transaction whose start may lie before the replayed
  // range opens at `offset` instead of its first batch.
  void OpenAt(int64_t producer_id, int16_t epoch, int64_t offset);
  bool IsOpen(int64_t producer_id) const;

  // The smallest first offset of an open transaction, or nullopt.
  std::optional<int64_t> FirstUnstableOffset() const;
  size_t open_count() const { return open_.size(); }
  size_t producer_count() const { return producers_.size(); }

 private:
  struct Producer {
    int16_t epoch = -1;
    bool armed = false;
    int64_t open_first = -1;  // -1: no open transaction here
  };
  bool EvictOne();

  const size_t max_producers_;
  std::unordered_map<int64_t, Producer> producers_;
  std::set<std::pair<int64_t, int64_t>> open_;  // (first offset, producer)
};

}  // namespace rtai::broker
