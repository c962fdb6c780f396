#pragma once
// Helpers shared by the broker/log tests.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "broker/log/record_batch.h"

namespace rtai::broker::testutil {

// A batch of `n` records whose values name the batch `tag` and the index,
// padded to `value_size` bytes, all stamped `timestamp_ms`.
inline std::string MakeBatch(int tag, int n = 3, size_t value_size = 20,
                             int64_t timestamp_ms = 1'700'000'000'000) {
  std::vector<Record> records(n);
  for (int i = 0; i < n; ++i) {
    records[i].key = absl::StrCat("k", tag);
    std::string v = absl::StrCat("batch-", tag, "-record-", i, "-");
    v.resize(std::max(value_size, v.size()), '.');
    records[i].value = std::move(v);
    records[i].timestamp_ms = timestamp_ms + i;
  }
  return BuildRecordBatch(records);
}

// The value MakeBatch gives record i of batch `tag` (before padding).
inline std::string ValuePrefix(int tag, int i) {
  return absl::StrCat("batch-", tag, "-record-", i, "-");
}

}  // namespace rtai::broker::testutil
