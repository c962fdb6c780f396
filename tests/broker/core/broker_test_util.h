#pragma once
// Helpers for Broker tests: batches of simple records and decoding fetches.

#include <string>
#include <vector>

#include "broker/core/broker.h"
#include "broker/log/record_batch.h"

namespace rtai::broker::testing {

inline std::string BatchOf(const std::vector<std::string>& values,
                           int64_t timestamp_ms = 1'700'000'000'000) {
  std::vector<Record> records;
  for (const std::string& v : values) {
    Record r;
    r.key = "k-" + v;
    r.value = v;
    r.timestamp_ms = timestamp_ms;
    records.push_back(std::move(r));
  }
  return BuildRecordBatch(records);
}

// Values of the records in `result` with offset >= from.
inline std::vector<std::string> Values(const FetchResult& result,
                                       int64_t from = 0) {
  auto records = DecodeRecordBatches(result.batches);
  std::vector<std::string> out;
  if (!records.ok())
    return {"<decode error: " + records.status().ToString() + ">"};
  for (const Record& r : *records) {
    if (r.offset.value() >= from) out.push_back(r.value.value_or("<null>"));
  }
  return out;
}

}  // namespace rtai::broker::testing
