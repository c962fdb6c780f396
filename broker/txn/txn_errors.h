#pragma once
// Errors of the transaction coordinator. Each is an absl::Status whose code
// tells an in-process caller what to do (kFailedPrecondition: fenced or a
// wrong state, do not retry; kUnavailable: retry; kNotFound: unknown
// partition; kInvalidArgument: bad request) and whose payload names the
// Kafka error the Kafka front answers with (TxnErrorName).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rtai::broker::txn {

inline constexpr char kTxnErrorPayload[] = "rtai.broker/txn-error";

// Kafka error names used as payloads.
inline constexpr char kProducerFenced[] = "PRODUCER_FENCED";
inline constexpr char kInvalidProducerIdMapping[] = "INVALID_PRODUCER_ID_MAPPING";
inline constexpr char kInvalidTxnState[] = "INVALID_TXN_STATE";
inline constexpr char kConcurrentTransactions[] = "CONCURRENT_TRANSACTIONS";
inline constexpr char kInvalidTransactionTimeout[] = "INVALID_TRANSACTION_TIMEOUT";
inline constexpr char kCoordinatorNotAvailable[] = "COORDINATOR_NOT_AVAILABLE";
inline constexpr char kUnknownTopicOrPartition[] = "UNKNOWN_TOPIC_OR_PARTITION";

// A status with `code`, message "<kafka_name>: <msg>" and the payload.
absl::Status TxnError(absl::StatusCode code, const char* kafka_name,
                      absl::string_view msg);
// The Kafka error name of a coordinator error, or "" when it carries none.
std::string TxnErrorName(const absl::Status& s);

}  // namespace rtai::broker::txn
