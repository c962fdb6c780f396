// Online learning throughput, one thread: FTRL-Proximal and SGD logistic
// regression (and the Hoeffding tree) on pre-generated SEA (3 features,
// scaled) and rotating-hyperplane (10 features) streams. Items are generated
// before timing; the timed loop is prequential (predict, then learn).
//
//   build/bench/ml_learning_bench [items]

#include <cstdlib>

#include "base/clock.h"
#include "bench/ml_bench_util.h"
#include "engine/ml/learn/ftrl.h"
#include "engine/ml/learn/hoeffding_tree.h"
#include "engine/ml/learn/sgd_logistic.h"
#include "engine/ml/learn/streams.h"

namespace rtai::ml::bench {
namespace {

struct Dataset {
  uint32_t width;
  std::vector<Feature> features;  // width per item
  std::vector<double> dense;      // width per item
  std::vector<uint8_t> labels;
};

Dataset Sea(size_t n) {
  Dataset d{3, {}, {}, {}};
  SeaGenerator gen(1, n / 4);
  for (size_t i = 0; i < n; ++i) {
    const SeaExample e = gen.Next();
    for (uint32_t k = 0; k < 3; ++k) {
      d.features.push_back({k, (e.x[k] - 5.0) / 2.887});  // ~unit variance
      d.dense.push_back(e.x[k]);
    }
    d.labels.push_back(e.y);
  }
  return d;
}

Dataset Hyperplane(size_t n) {
  Dataset d{10, {}, {}, {}};
  HyperplaneGenerator gen(2, 10);
  HyperplaneExample e;
  for (size_t i = 0; i < n; ++i) {
    gen.Next(&e);
    for (uint32_t k = 0; k < 10; ++k) {
      d.features.push_back({k, e.x[k] - 0.5});
      d.dense.push_back(e.x[k]);
    }
    d.labels.push_back(e.y);
  }
  return d;
}

template <typename Learner>
void RunLinear(const char* name, const char* stream, Learner learner,
               const Dataset& d) {
  const size_t n = d.labels.size();
  const int64_t t0 = SystemClock()->MonotonicNanos();
  uint64_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    const Features x(&d.features[i * d.width], d.width);
    correct += (learner.Learn(x, d.labels[i]) > 0.5) == (d.labels[i] != 0);
  }
  const double s = (SystemClock()->MonotonicNanos() - t0) * 1e-9;
  std::printf("%-22s %-11s items=%zu  %.2f M items/s  prequential acc=%.4f\n",
              name, stream, n, n / s / 1e6, static_cast<double>(correct) / n);
}

void RunTree(const char* stream, const Dataset& d, size_t n) {
  HoeffdingTreeOptions o;
  o.num_features = d.width;
  HoeffdingTree tree(o);
  const int64_t t0 = SystemClock()->MonotonicNanos();
  uint64_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    const absl::Span<const double> x(&d.dense[i * d.width], d.width);
    correct += tree.Predict(x) == d.labels[i];
    (void)tree.Learn(x, d.labels[i]);
  }
  const double s = (SystemClock()->MonotonicNanos() - t0) * 1e-9;
  std::printf("%-22s %-11s items=%zu  %.3f M items/s  prequential acc=%.4f\n",
              "hoeffding tree", stream, n, n / s / 1e6,
              static_cast<double>(correct) / n);
}

int Main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000000;
  const Dataset sea = Sea(n), hyper = Hyperplane(n);
  FtrlOptions fo;
  fo.alpha = 0.5;
  fo.l2 = 0;
  fo.dimension = 16;
  SgdOptions so;
  so.learning_rate = 0.005;
  so.dimension = 16;
  for (int rep = 0; rep < 2; ++rep) {  // second round = warm caches
    RunLinear("ftrl-proximal LR", "sea", FtrlLogistic(fo), sea);
    RunLinear("ftrl-proximal LR", "hyperplane", FtrlLogistic(fo), hyper);
    RunLinear("sgd LR", "sea", SgdLogistic(so), sea);
    RunLinear("sgd LR", "hyperplane", SgdLogistic(so), hyper);
  }
  RunTree("sea", sea, std::min<size_t>(n, 500000));
  return 0;
}

}  // namespace
}  // namespace rtai::ml::bench

int main(int argc, char** argv) { return rtai::ml::bench::Main(argc, argv); }
