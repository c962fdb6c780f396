#pragma once
// Kafka protocol error codes (org.apache.kafka.common.protocol.Errors) that
// this broker returns, and the one place absl::Status becomes one.

#include <cstdint>

#include "absl/status/status.h"

namespace rtai::kafka {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kCoordinatorNotAvailable = 15,
  kInvalidTopicException = 17,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kTopicAuthorizationFailed = 29,
  kGroupAuthorizationFailed = 30,
  kClusterAuthorizationFailed = 31,
  kUnsupportedSaslMechanism = 33,
  kIllegalSaslState = 34,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kInvalidRequest = 42,
  kUnsupportedForMessageFormat = 43,
  kOutOfOrderSequenceNumber = 45,
  kInvalidProducerEpoch = 47,
  kTransactionalIdAuthorizationFailed = 53,
  kSaslAuthenticationFailed = 58,
  kKafkaStorageError = 56,
  kUnknownProducerId = 59,
  kGroupMaxSizeReached = 81,
};

inline int64_t Code(ErrorCode e) { return static_cast<int16_t>(e); }

// Maps a Broker facade Status from Produce/Fetch/describe calls to the code a
// Kafka client acts on. kResourceExhausted maps to kRequestTimedOut (the
// client retries); callers that know the batch was too large say so
// themselves. `storage_error_ok`: whether the request version may carry
// KAFKA_STORAGE_ERROR (Produce v4+, Fetch v6+); otherwise storage failures
// map to kUnknownServerError.
inline ErrorCode ErrorFromStatus(const absl::Status& s, bool storage_error_ok) {
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return ErrorCode::kNone;
    case absl::StatusCode::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case absl::StatusCode::kOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case absl::StatusCode::kInvalidArgument:
      return ErrorCode::kCorruptMessage;
    case absl::StatusCode::kResourceExhausted:
      return ErrorCode::kRequestTimedOut;
    case absl::StatusCode::kUnavailable:
      return ErrorCode::kNotLeaderOrFollower;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
      return storage_error_ok ? ErrorCode::kKafkaStorageError : ErrorCode::kUnknownServerError;
    default:
      return ErrorCode::kUnknownServerError;
  }
}

}  // namespace rtai::kafka
