// Micro-benchmark of the record path (not a test): columnar batch encode and
// decode, JSON and CSV row decoding, for Nexmark-bid-like records. Run:
// build/tests/engine/record/engine_record_bench. Results in docs/ENGINE.md.

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/record/csv_decoder.h"
#include "engine/record/json_decoder.h"
#include "engine/record/record_batch_codec.h"

namespace {

template <typename F>
double NsPer(int n, F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now() - start)
             .count() /
         n;
}

}  // namespace

int main() {
  using namespace rtai::engine;
  Schema schema = *Schema::Create({{"auction", TypeId::kInt64},
                                   {"bidder", TypeId::kInt64},
                                   {"price", TypeId::kInt64},
                                   {"channel", TypeId::kString},
                                   {"url", TypeId::kString},
                                   {"date_time", TypeId::kTimestamp}});
  constexpr int kRows = 1024, kIters = 500;
  RowBatch batch(&schema);
  for (int i = 0; i < kRows; ++i) {
    Value* r = batch.AddRow();
    r[0] = Value::Int64(1000 + i % 97);
    r[1] = Value::Int64(2000 + i % 1013);
    r[2] = Value::Int64(100 + i * 7);
    r[3] = Value::String(batch.CopyBytes(i % 3 ? "Google" : "Apple"));
    r[4] = Value::String(
        batch.CopyBytes("https://www.nexmark.com/abc/item.htm?query=1"));
    r[5] = Value::Timestamp(1700000000000 + i);
  }
  std::string encoded;
  const double enc = NsPer(kRows * kIters, [&] {
    for (int i = 0; i < kIters; ++i) encoded = EncodeRecordBatch(batch);
  });
  RowBatch out(&schema);
  const double dec = NsPer(kRows * kIters, [&] {
    for (int i = 0; i < kIters; ++i) {
      out.Clear();
      if (!DecodeRecordBatch(encoded, &out).ok()) std::abort();
    }
  });
  std::printf("batch encode %.1f ns/row, decode %.1f ns/row, %.1f bytes/row\n",
              enc, dec, static_cast<double>(encoded.size()) / kRows);
  const std::string json =
      R"({"auction": 1007, "bidder": 2042, "price": 5123, "channel": "Google", )"
      R"("url": "https://www.nexmark.com/abc/item.htm?query=1", "date_time": 1700000000123, )"
      R"("extra": ""})";
  const std::string csv =
      "1007,2042,5123,Google,https://www.nexmark.com/abc/"
      "item.htm?query=1,1700000000123";
  JsonRowDecoder jd(&schema);
  CsvRowDecoder cd(&schema);
  Row row;
  constexpr int kN = 500000;
  const double j = NsPer(kN, [&] {
    for (int i = 0; i < kN; ++i) {
      if (!jd.Decode(json, &row).ok()) std::abort();
    }
  });
  const double c = NsPer(kN, [&] {
    for (int i = 0; i < kN; ++i) {
      if (!cd.Decode(csv, &row).ok()) std::abort();
    }
  });
  std::printf(
      "json row decode %.1f ns/row (%zu bytes), csv row decode %.1f ns/row\n",
      j, json.size(), c);
  return 0;
}
