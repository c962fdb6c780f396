#pragma once
// ProducerStateTable: the idempotent-producer state of one partition (Kafka's
// ProducerStateManager, minimal): per producer id, its epoch and the sequence
// ranges of its last kMaxCachedBatches batches with the offsets they got.
// PartitionLog consults it under its append lock, so a check and the append
// it allows are one step; at open it is rebuilt from the log's tail.
//
// Rules for a batch with producerId >= 0 (non-transactional):
//  - unknown producer: accepted if baseSequence is 0, else UNKNOWN_PRODUCER_ID;
//  - epoch older than the known one: INVALID_PRODUCER_EPOCH;
//  - epoch newer: accepted only with baseSequence 0 (the state restarts);
//  - same epoch: a batch whose [first, last] sequence equals a cached one is
//    a duplicate (answered with the original offsets, not appended); one
//    that does not start right after the last sequence is
//    OUT_OF_ORDER_SEQUENCE_NUMBER.
// Errors are kAborted with a payload under kProducerErrorPayload naming the
// Kafka error ("OUT_OF_ORDER_SEQUENCE_NUMBER", "INVALID_PRODUCER_EPOCH",
// "UNKNOWN_PRODUCER_ID"); see ProducerErrorName().
// Bounded: at most max_producers producers (the one appended to longest ago
// is forgotten first). Not thread-safe: the owner serializes calls.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {

inline constexpr char kProducerErrorPayload[] = "rtai.broker/producer-error";

// The Kafka error name carried by a producer-state error, or "" if none.
std::string ProducerErrorName(const absl::Status& s);
// A kAborted status carrying `kafka_name` (e.g. "INVALID_TXN_STATE").
absl::Status MakeProducerError(const char* kafka_name, const std::string& msg);

// One appended batch of a producer.
struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t max_timestamp = 0;
};

class ProducerStateTable {
 public:
  static constexpr size_t kMaxCachedBatches = 5;  // Kafka's in-flight limit
  explicit ProducerStateTable(size_t max_producers = 10000)
      : max_producers_(max_producers) {}

  // Checks a batch about to be appended (h.producer_id >= 0). Returns
  // nullopt when it must be appended, the original batch when it is a
  // duplicate, or an error (see the header comment).
  absl::StatusOr<std::optional<ProducerBatch>> Check(
      const BatchHeader& h) const;

  // Records an appended batch (h.base_offset stamped). Also used to replay
  // the log at open, where no check is made: the log is the truth.
  void Record(const BatchHeader& h);

  size_t producer_count() const { return producers_.size(); }

 private:
  struct Entry {
    int16_t epoch = 0;
    std::deque<ProducerBatch> batches;  // oldest first, <= kMaxCachedBatches
    int64_t last_offset = -1;
  };
  void EvictOldest();

  const size_t max_producers_;
  std::unordered_map<int64_t, Entry> producers_;
};

// The last sequence of a batch (sequences wrap from INT32_MAX to 0).
int32_t LastSequence(const BatchHeader& h);

}  // namespace rtai::broker
