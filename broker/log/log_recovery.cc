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

struct LogImpl::ReplayWindow {
  int64_t start = 0;
  // A transaction whose producer has no earlier batch in the window may
  // have begun before it: it is taken to begin at the window start
  // (conservative: the last stable offset stays low, and an aborted range
  // covers only that producer's batches, all of that transaction). Only
  // when the window does not start at the log start.
  bool partial = false;
  std::unordered_set<int64_t> seen;  // producers with a batch in the window
  std::vector<AbortedTxn> aborted;   // in marker order
};

void LogImpl::ReplayBatch(const BatchHeader& h, absl::string_view batch,
                          ReplayWindow* w) {
  const int64_t pid = h.producer_id;
  if (pid < 0) return;
  const bool first_seen = w->seen.insert(pid).second;
  if (!h.is_control()) {
    if (h.is_transactional() && w->partial && first_seen) {
      txns_.OpenAt(pid, h.producer_epoch, w->start);
    }
    txns_.OnData(h);
    if (!h.is_transactional() || h.base_sequence >= 0) producers_.Record(h);
    return;
  }
  const absl::StatusOr<TxnMarker> m = ParseControlBatch(batch);
  std::optional<int64_t> first = txns_.OnMarker(h);
  if (!first.has_value() && w->partial && first_seen) first = w->start;
  if (!m.ok() || m->commit || !first.has_value()) return;
  // With a partial window, transactions open across its start may be
  // unknown here: the entry's stable offset is the window start, so readers
  // never stop their search at it.
  const int64_t unstable =
      w->partial ? w->start : txns_.FirstUnstableOffset().value_or(INT64_MAX);
  w->aborted.push_back({pid, *first, h.base_offset,
                        std::min(unstable, h.base_offset + 1)});
}

absl::Status LogImpl::RecoverProducerState(size_t window) {
  std::vector<SegmentPtr> segs;
  Offset end;
  {
    absl::ReaderMutexLock l(&mu_);
    segs = segments_;
    end = end_offset_;
  }
  ReplayWindow w;
  w.start = segs[window]->base_offset().value();
  w.partial = w.start > segs.front()->base_offset().value();
  constexpr int32_t kChunk = 4 << 20;
  int64_t batches = 0;
  Offset from(w.start);
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
      if (h->last_offset() >= from.value()) {
        ReplayBatch(*h, rest.substr(0, h->size_bytes()), &w);
      }
      ++batches;
      from = Offset(std::max(from.value(), h->last_offset() + 1));
      rest.remove_prefix(h->size_bytes());
    }
    if (!rest.empty() || from == chunk_start) break;  // no progress
  }
  // Each entry goes to the index of the segment holding its marker.
  size_t e = 0;
  for (size_t k = window; k < segs.size(); ++k) {
    std::vector<AbortedTxn> entries;
    const int64_t next = k + 1 < segs.size()
                             ? segs[k + 1]->base_offset().value()
                             : INT64_MAX;
    while (e < w.aborted.size() && w.aborted[e].last_offset < next) {
      entries.push_back(w.aborted[e++]);
    }
    RETURN_IF_ERROR(segs[k]->txn_index().Reset(std::move(entries)));
    RETURN_IF_ERROR(segs[k]->txn_index().Close(/*sync=*/true));
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
