#pragma once
// Transactional record batches: the control batch (transaction marker) the
// coordinator writes into every partition of a transaction, and stamping a
// built batch with a producer's id, epoch, sequence and transactional bit.
// Control batch: attributes transactional|control, one record whose key is
// version i16 (0) | type i16 (0 abort, 1 commit) and whose value is
// version i16 (0) | coordinator epoch i32 (docs/formats/transaction-state.md).
// Thread-safe (pure functions).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::broker {

struct TxnMarker {
  bool commit = false;
  int32_t coordinator_epoch = 0;
};

// One control batch (baseOffset 0, CRC set) ending `producer_id`'s
// transaction with `marker`.
std::string BuildControlBatch(int64_t producer_id, int16_t producer_epoch,
                              TxnMarker marker, int64_t timestamp_ms);

// The marker of a control batch (`batch` is exactly one whole batch whose
// control bit is set). kInvalidArgument when its record is not a
// well-formed abort/commit marker.
absl::StatusOr<TxnMarker> ParseControlBatch(absl::string_view batch);

// Sets producerId, producerEpoch, baseSequence and the transactional bit
// of a built batch (e.g. from BuildRecordBatch) and recomputes its CRC.
// `batch` must hold a whole batch.
void StampProducer(std::string* batch, int64_t producer_id,
                   int16_t producer_epoch, int32_t base_sequence,
                   bool transactional);

}  // namespace rtai::broker
