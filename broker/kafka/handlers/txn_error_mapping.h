#pragma once
// The Kafka error code for a transaction coordinator Status (txn_errors.h).
// PRODUCER_FENCED exists only from InitProducerId v4, AddPartitionsToTxn,
// AddOffsetsToTxn and EndTxn v2, TxnOffsetCommit v3 (KIP-588); older
// versions get INVALID_PRODUCER_EPOCH, which clients also treat as fenced.

#include "absl/status/status.h"
#include "broker/kafka/error_codes.h"
#include "broker/txn/txn_errors.h"

namespace rtai::kafka {

inline ErrorCode TxnErrorCode(const absl::Status& s, bool producer_fenced_ok) {
  if (s.ok()) return ErrorCode::kNone;
  const std::string name = broker::txn::TxnErrorName(s);
  if (name == broker::txn::kProducerFenced) {
    return producer_fenced_ok ? ErrorCode::kProducerFenced : ErrorCode::kInvalidProducerEpoch;
  }
  if (name == broker::txn::kInvalidProducerIdMapping) return ErrorCode::kInvalidProducerIdMapping;
  if (name == broker::txn::kInvalidTxnState) return ErrorCode::kInvalidTxnState;
  if (name == broker::txn::kConcurrentTransactions) return ErrorCode::kConcurrentTransactions;
  if (name == broker::txn::kInvalidTransactionTimeout) {
    return ErrorCode::kInvalidTransactionTimeout;
  }
  if (name == broker::txn::kUnknownTopicOrPartition) return ErrorCode::kUnknownTopicOrPartition;
  return ErrorCode::kCoordinatorNotAvailable;
}

}  // namespace rtai::kafka
