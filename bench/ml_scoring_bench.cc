// Per-row scoring latency of an XGBoost model: rtai's flat evaluator vs
// libxgboost's XGBoosterPredictFromDense (nthread=1), same rows, same run.
//
//   /usr/bin/python3 engine/ml/python/make_xgb_fixtures.py /tmp/fx --only
//   bench_100x6 build/bench/ml_scoring_bench /tmp/fx/bench_100x6.json
//   /tmp/fx/bench_100x6.rows [passes]
//
// Each measured call scores one row (batch size 1), timed individually with
// the monotonic clock; latencies are reported as p50/p99/p99.9 in ns.

#include <xgboost/c_api.h>

#include <cmath>
#include <cstring>

#include "base/clock.h"
#include "bench/ml_bench_util.h"
#include "engine/ml/model/xgboost_model.h"

namespace rtai::ml::bench {
namespace {

int Fail(const char* what) {
  std::fprintf(stderr, "ml_scoring_bench: %s\n", what);
  return 1;
}

void Report(const char* name, const std::vector<int64_t>& ns) {
  std::printf("%-28s rows=%zu p50=%.0f ns p99=%.0f ns p99.9=%.0f ns\n", name,
              ns.size(), Percentile(ns, 50), Percentile(ns, 99),
              Percentile(ns, 99.9));
}

int Main(int argc, char** argv) {
  if (argc < 3)
    return Fail("usage: ml_scoring_bench MODEL.json ROWS.f32 [passes]");
  const int passes = argc > 3 ? std::atoi(argv[3]) : 10;
  std::string model_text, rows_bytes;
  if (!ReadFile(argv[1], &model_text) || !ReadFile(argv[2], &rows_bytes)) {
    return Fail("cannot read inputs");
  }
  auto model = LoadXgboostModel(model_text);
  if (!model.ok()) return Fail(std::string(model.status().message()).c_str());
  const uint32_t nf = model->num_features();
  std::vector<float> rows(rows_bytes.size() / sizeof(float));
  std::memcpy(rows.data(), rows_bytes.data(), rows.size() * sizeof(float));
  const size_t n = rows.size() / nf;
  std::printf(
      "model: %zu trees, %zu nodes, %u features; %zu rows x %d passes\n",
      model->num_trees(), model->num_nodes(), nf, n, passes);

  BoosterHandle booster;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0 ||
      XGBoosterLoadModel(booster, argv[1]) != 0 ||
      XGBoosterSetParam(booster, "nthread", "1") != 0) {
    return Fail(XGBGetLastError());
  }
  // Array-interface strings are built before timing (in xgboost's favour).
  std::vector<std::string> iface(n);
  for (size_t r = 0; r < n; ++r) {
    iface[r] = "{\"data\": [" +
               std::to_string(reinterpret_cast<uintptr_t>(&rows[r * nf])) +
               ", true], \"shape\": [1, " + std::to_string(nf) +
               "], \"typestr\": \"<f4\", \"version\": 3}";
  }
  const char* config =
      "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
      "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, "
      "\"cache_id\": 0}";
  const Clock* clock = SystemClock();
  std::vector<int64_t> ours, theirs;
  double max_diff = 0;
  float sink = 0;
  for (int p = 0; p < passes; ++p) {
    for (size_t r = 0; r < n; ++r) {
      float out;
      int64_t t0 = clock->MonotonicNanos();
      model->PredictRow(&rows[r * nf], &out);
      int64_t t1 = clock->MonotonicNanos();
      ours.push_back(t1 - t0);
      sink += out;
      const bst_ulong* shape;
      bst_ulong dim;
      const float* result;
      t0 = clock->MonotonicNanos();
      if (XGBoosterPredictFromDense(booster, iface[r].c_str(), config, nullptr,
                                    &shape, &dim, &result) != 0) {
        return Fail(XGBGetLastError());
      }
      t1 = clock->MonotonicNanos();
      theirs.push_back(t1 - t0);
      max_diff = std::max(max_diff, std::fabs(double{out} - result[0]));
    }
  }
  Report("rtai flat evaluator", ours);
  Report("XGBoosterPredictFromDense", theirs);
  std::printf(
      "p50 ratio xgboost/rtai = %.1fx, p99 ratio = %.1fx; "
      "max |diff| = %.3g (checksum %.3f)\n",
      Percentile(theirs, 50) / Percentile(ours, 50),
      Percentile(theirs, 99) / Percentile(ours, 99), max_diff, sink);
  XGBoosterFree(booster);
  return 0;
}

}  // namespace
}  // namespace rtai::ml::bench

int main(int argc, char** argv) { return rtai::ml::bench::Main(argc, argv); }
