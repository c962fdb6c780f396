#include "broker/core/partition_state.h"

#include "absl/strings/str_cat.h"

namespace rtai::broker {

absl::Status PartitionGoneError(const PartitionState& p) {
  return absl::NotFoundError(absl::StrCat("topic \"", p.topic,
                                          "\" was deleted (partition ",
                                          p.partition.value(), ")"));
}

absl::StatusOr<FetchResult> PartitionState::Read(Offset offset,
                                                 int32_t max_bytes,
                                                 Isolation isolation) const {
  absl::ReaderMutexLock l(&life_mu);
  if (closed) return PartitionGoneError(*this);
  const Offset hw = HighWatermark();
  const Offset lso = LastStableOffset();
  const Offset limit = isolation == Isolation::kReadCommitted ? lso : hw;
  FetchResult result;
  result.high_watermark = hw;
  result.last_stable_offset = lso;
  result.log_start_offset = log->log_start_offset();
  if (offset >= limit) return result;
  absl::StatusOr<ReadResult> r = log->Read(offset, max_bytes, limit);
  if (!r.ok()) return r.status();
  result.batches = std::move(r->batches);
  result.log_start_offset = r->log_start_offset;
  if (isolation == Isolation::kReadCommitted && !result.batches.empty()) {
    result.aborted_transactions = log->AbortedTransactions(offset, limit);
  }
  return result;
}

absl::Status PartitionState::Close() {
  absl::WriterMutexLock l(&life_mu);
  if (closed) return absl::OkStatus();
  closed = true;
  return log->Close();
}

}  // namespace rtai::broker
