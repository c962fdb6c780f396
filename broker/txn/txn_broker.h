#pragma once
// TxnBroker: what the transaction coordinator needs from the broker that
// hosts it: producer ids, partition checks, arming a partition for a
// producer's transaction and writing transaction markers. Implemented by
// BrokerImpl (broker/core/broker_txn.cc) and by test doubles; keeps
// broker/txn free of broker/core. Implementations are thread-safe.

#include <cstdint>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/txn/txn_metadata.h"

namespace rtai::broker::txn {

class TxnBroker {
 public:
  virtual ~TxnBroker() = default;

  // A producer id never handed out before. May block for one file write.
  virtual absl::StatusOr<int64_t> AllocateProducerId() = 0;
  // OK when the partition exists, else kNotFound.
  virtual absl::Status CheckPartition(const TopicPartition& tp) = 0;
  // PartitionLog::BeginTransaction on the partition's log.
  virtual absl::Status BeginTransaction(const TopicPartition& tp,
                                        int64_t producer_id,
                                        int16_t epoch) = 0;
  // Appends the marker (control batch) ending `producer_id`'s transaction
  // in `tp` and calls `done` once it is durable (or with the error;
  // kNotFound when the partition no longer exists). Never blocks.
  virtual void WriteMarker(const TopicPartition& tp, int64_t producer_id,
                           int16_t epoch, bool commit,
                           absl::AnyInvocable<void(absl::Status)> done) = 0;
};

}  // namespace rtai::broker::txn
