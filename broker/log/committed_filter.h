#pragma once
// What a read_committed consumer keeps of fetched batches: the data batches
// minus control batches (markers) and minus the transactional batches of
// aborted transactions, decided with the fetch's AbortedTransactions list
// exactly as Kafka's consumer does (a producer's batches are dropped from an
// aborted transaction's first offset until its abort marker). Used by the
// in-process read_committed reader and by tests. Thread-safe (pure).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "broker/log/txn_index.h"

namespace rtai::broker {

struct CommittedBatches {
  std::string batches;  // the kept batches, back to back, unchanged
  // One past the last offset of the last whole batch examined (kept or
  // not); -1 when `batches` held no whole batch.
  int64_t next_offset = -1;
};

// `batches`: whole v2 batches in offset order (a trailing partial batch is
// ignored). `aborted`: the fetch's aborted transactions, any order.
CommittedBatches SelectCommittedBatches(absl::string_view batches,
                                        std::vector<AbortedTxn> aborted);

}  // namespace rtai::broker
