// LogImpl's producer and transaction state recovery at open: the
// idempotent-producer table, the open transactions (last stable offset) and
// the `.txnindex` files are rebuilt from the batches of the recovery window
// (the last two segments, or from the first segment whose `.txnindex` is
// malformed). Rules in docs/formats/transaction-state.md.

#include <algorithm>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/log/log_impl.h"
#include "broker/log/txn_batch.h"

namespace rtai::broker {

size_t LogImpl::LoadTxnIndexes() {
  std::vector<SegmentPtr> segs;
  {
    absl::ReaderMutexLock l(&mu_);
    segs = segments_;
  }
  const size_t window = segs.size() >= 2 ? segs.size() - 2 : 0;
  for (size_t i = 0; i < window; ++i) {
    const Segment& seg = *segs[i];
    absl::Status s = segs[i]->txn_index().Load(seg.base_offset().value(),
                                               seg.next_offset().value());
    if (!s.ok()) {
      LogWarning("malformed transaction index; rebuilding from its segment on",
                 {{"topic", name_.topic},
                  {"partition", name_.partition},
                  {"segment", seg.log_path()},
                  {"error", s.ToString()}});
      return i;
    }
  }
  return window;
}

absl::Status LogImpl::RecoverProducerState(size_t window) {
  std::vector<SegmentPtr> segs;
  Offset end;
  {
    absl::ReaderMutexLock l(&mu_);
    segs = segments_;
    end = end_offset_;
  }
  const int64_t window_start = segs[window]->base_offset().value();
  // A transaction whose producer has no earlier marker in the window may
  // have begun before it: it is taken to begin at the window start
  // (conservative: the last stable offset stays low, and an aborted range
  // covers only that producer's batches, all of that transaction).
  const bool partial = window_start > segs.front()->base_offset().value();
  std::unordered_set<int64_t> seen;
  std::vector<std::vector<AbortedTxn>> rebuilt(segs.size() - window);
  auto segment_of = [&](int64_t offset) {
    auto it = std::upper_bound(
        segs.begin() + window, segs.end(), Offset(offset),
        [](Offset o, const SegmentPtr& s) { return o < s->base_offset(); });
    return static_cast<size_t>(it - segs.begin()) - 1 - window;
  };
  constexpr int32_t kChunk = 4 << 20;
  int64_t batches = 0;
  Offset from(window_start);
  while (from < end) {
    absl::StatusOr<ReadResult> r = Read(from, kChunk, end);
    if (!r.ok() || r->batches.empty()) {
      if (!r.ok()) {
        LogWarning("producer state recovery stopped at an unreadable batch",
                   {{"topic", name_.topic},
                    {"partition", name_.partition},
                    {"offset", from.value()},
                    {"error", r.status().ToString()}});
      }
      break;
    }
    const Offset chunk_start = from;
    absl::string_view rest = r->batches;
    while (rest.size() >= batch_layout::kHeaderSize) {
      absl::StatusOr<BatchHeader> h = ParseBatchHeader(rest);
      if (!h.ok() || h->size_bytes() > static_cast<int64_t>(rest.size())) {
        break;
      }
      const int64_t pid = h->producer_id;
      if (pid >= 0 && h->last_offset() >= from.value()) {
        const bool first_seen = seen.insert(pid).second;
        if (h->is_control()) {
          absl::StatusOr<TxnMarker> m =
              ParseControlBatch(rest.substr(0, h->size_bytes()));
          std::optional<int64_t> first = txns_.OnMarker(*h);
          if (!first.has_value() && partial && first_seen) first = window_start;
          if (m.ok() && !m->commit && first.has_value()) {
            const int64_t unstable =
                txns_.FirstUnstableOffset().value_or(INT64_MAX);
            rebuilt[segment_of(h->base_offset)].push_back(
                {pid, *first, h->base_offset,
                 std::min(unstable, h->base_offset + 1)});
          }
        } else {
          if (h->is_transactional() && partial && first_seen) {
            txns_.OpenAt(pid, h->producer_epoch, window_start);
          }
          txns_.OnData(*h);
          if (!h->is_transactional() || h->base_sequence >= 0) {
            producers_.Record(*h);
          }
        }
      }
      ++batches;
      from = Offset(std::max(from.value(), h->last_offset() + 1));
      rest.remove_prefix(h->size_bytes());
    }
    if (!rest.empty() || from == chunk_start) break;  // no progress
  }
  for (size_t k = 0; k < rebuilt.size(); ++k) {
    TxnIndex& index = segs[window + k]->txn_index();
    RETURN_IF_ERROR(index.Reset(std::move(rebuilt[k])));
    RETURN_IF_ERROR(index.Close(/*sync=*/true));
  }
  PublishFirstUnstable();
  if (producers_.producer_count() > 0 || txns_.open_count() > 0) {
    LogInfo("recovered idempotent producer state",  // and open transactions
            {{"topic", name_.topic},
             {"partition", name_.partition},
             {"producers", static_cast<int64_t>(producers_.producer_count())},
             {"open_transactions", static_cast<int64_t>(txns_.open_count())},
             {"batches_scanned", batches}});
  }
  return absl::OkStatus();
}

}  // namespace rtai::broker
