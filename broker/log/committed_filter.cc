#include "broker/log/committed_filter.h"

#include <algorithm>
#include <unordered_set>

#include "broker/log/record_batch.h"
#include "broker/log/txn_batch.h"

namespace rtai::broker {

CommittedBatches SelectCommittedBatches(absl::string_view batches,
                                        std::vector<AbortedTxn> aborted) {
  std::sort(aborted.begin(), aborted.end(),
            [](const AbortedTxn& a, const AbortedTxn& b) {
              return a.first_offset < b.first_offset;
            });
  CommittedBatches out;
  std::unordered_set<int64_t> active;  // producers inside an aborted range
  size_t next_aborted = 0;
  while (batches.size() >= static_cast<size_t>(batch_layout::kHeaderSize)) {
    absl::StatusOr<BatchHeader> h = ParseBatchHeader(batches);
    if (!h.ok() || h->size_bytes() > static_cast<int64_t>(batches.size())) {
      break;
    }
    const absl::string_view batch = batches.substr(0, h->size_bytes());
    batches.remove_prefix(h->size_bytes());
    out.next_offset = h->last_offset() + 1;
    while (next_aborted < aborted.size() &&
           aborted[next_aborted].first_offset <= h->last_offset()) {
      active.insert(aborted[next_aborted++].producer_id);
    }
    if (h->is_control()) {
      absl::StatusOr<TxnMarker> m = ParseControlBatch(batch);
      if (m.ok() && !m->commit) active.erase(h->producer_id);
      continue;
    }
    if (h->is_transactional() && active.count(h->producer_id) != 0) continue;
    out.batches.append(batch.data(), batch.size());
  }
  return out;
}

}  // namespace rtai::broker
