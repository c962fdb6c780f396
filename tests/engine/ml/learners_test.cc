#include <cmath>
#include <vector>

#include "base/random.h"
#include "engine/ml/learn/feature_hasher.h"
#include "engine/ml/learn/ftrl.h"
#include "engine/ml/learn/sgd_logistic.h"
#include "engine/ml/learn/standard_scaler.h"
#include "engine/ml/learn/streams.h"
#include "engine/ml/model/linear_model.h"
#include "engine/ml/state_codec.h"
#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

// A linearly separable problem: y = 2 x0 - x1 + 0.5 > 0, x in U[-1,1]^2.
struct Separable {
  explicit Separable(uint64_t seed) : rng(seed) {}
  bool Next(std::vector<Feature>* x) {
    const double a = 2 * rng.NextDouble() - 1, b = 2 * rng.NextDouble() - 1;
    *x = {{0, a}, {1, b}};
    return 2 * a - b + 0.5 > 0;
  }
  Random rng;
};

template <typename Learner>
double SeparableAccuracyAfterTraining(Learner& learner) {
  Separable train(1), test(2);
  std::vector<Feature> x;
  for (int i = 0; i < 20000; ++i) {
    const bool y = train.Next(&x);
    learner.Learn(x, y);
  }
  int correct = 0;
  for (int i = 0; i < 5000; ++i) {
    const bool y = test.Next(&x);
    correct += (learner.PredictProba(x) > 0.5) == y;
  }
  return correct / 5000.0;
}

TEST(FtrlTest, ConvergesOnSeparableProblem) {
  FtrlOptions o;
  o.alpha = 0.5;
  o.l2 = 0.0;
  o.dimension = 16;
  FtrlLogistic ftrl(o);
  EXPECT_GE(SeparableAccuracyAfterTraining(ftrl), 0.98);
  // Direction of the learned boundary: w0 / -w1 ~ 2, intercept / -w1 ~ 0.5.
  EXPECT_NEAR(ftrl.Weight(0) / -ftrl.Weight(1), 2.0, 0.25);
  EXPECT_NEAR(ftrl.Weight(16) / -ftrl.Weight(1), 0.5, 0.15);
}

TEST(FtrlTest, L1ZeroesIrrelevantFeatures) {
  FtrlOptions o;
  o.alpha = 0.5;
  o.l1 = 20.0;
  o.dimension = 16;
  FtrlLogistic ftrl(o);
  Separable s(3);
  Random noise(4);
  std::vector<Feature> x;
  for (int i = 0; i < 20000; ++i) {
    const bool y = s.Next(&x);
    x.push_back({7, 2 * noise.NextDouble() - 1});  // pure noise feature
    ftrl.Learn(x, y);
  }
  EXPECT_EQ(ftrl.Weight(7), 0.0);
  EXPECT_NE(ftrl.Weight(0), 0.0);
}

TEST(FtrlTest, ExportsAnEquivalentLinearModel) {
  FtrlOptions o;
  o.alpha = 0.5;
  o.dimension = 3;
  FtrlLogistic ftrl(o);
  SeaGenerator sea(4, 100000);
  std::vector<Feature> x(3);
  for (int i = 0; i < 5000; ++i) {
    const SeaExample e = sea.Next();
    for (uint32_t k = 0; k < 3; ++k) x[k] = {k, static_cast<float>(e.x[k] - 5)};
    ftrl.Learn(x, e.y);
  }
  auto json = ftrl.ExportLinearModelJson({"x0", "x\"1", "x2"}, 0);
  ASSERT_TRUE(json.ok()) << json.status();
  auto model = LinearModel::FromJson(*json);
  ASSERT_TRUE(model.ok()) << model.status() << *json;
  auto bound = model->Bind({"x0", "x\"1", "x2"});
  ASSERT_TRUE(bound.ok());
  for (int i = 0; i < 1000; ++i) {
    const SeaExample e = sea.Next();
    float row[3];
    for (uint32_t k = 0; k < 3; ++k) {
      row[k] = static_cast<float>(e.x[k] - 5);
      x[k] = {k, row[k]};
    }
    ASSERT_NEAR(model->Predict(*bound, row), ftrl.PredictProba(x), 1e-12);
  }
  EXPECT_FALSE(ftrl.ExportLinearModelJson({"only_one"}, 0).ok());
}

TEST(FtrlTest, ExportsHashedStringFeatures) {
  FtrlOptions o;
  o.dimension = 64;
  FtrlLogistic ftrl(o);
  FeatureHasher hasher(64, 11);
  Random rng(3);
  const char* merchants[] = {"m1", "m2", "m3", "m4"};
  for (int i = 0; i < 3000; ++i) {
    const int m = static_cast<int>(rng.Uniform(4));
    const Feature f[] = {{hasher.Bucket("merchant", merchants[m]), 1.0}};
    ftrl.Learn(f, m >= 2);
  }
  auto json = ftrl.ExportLinearModelJson({}, 11);
  ASSERT_TRUE(json.ok());
  auto model = LinearModel::FromJson(*json);
  ASSERT_TRUE(model.ok()) << model.status();
  auto bound = model->Bind({});
  ASSERT_TRUE(bound.ok());
  for (const char* m : merchants) {
    const Feature f[] = {{hasher.Bucket("merchant", m), 1.0}};
    const StringFeature s[] = {{"merchant", m}};
    EXPECT_NEAR(model->Predict(*bound, {}, s), ftrl.PredictProba(f), 1e-12);
  }
}

TEST(SgdTest, ConvergesOnSeparableProblem) {
  SgdOptions o;
  o.learning_rate = 0.1;
  o.dimension = 16;
  SgdLogistic sgd(o);
  EXPECT_GE(SeparableAccuracyAfterTraining(sgd), 0.97);
}

TEST(FtrlTest, OutOfRangeIndicesAreDroppedNotFatal) {
  FtrlOptions o;
  o.dimension = 4;
  FtrlLogistic ftrl(o);
  const Feature x[] = {{1, 1.0}, {4, 1.0}, {1u << 31, 1.0}};
  ftrl.Learn(x, true);
  EXPECT_EQ(ftrl.dropped_features(), 2u);
  EXPECT_EQ(ftrl.updates(), 1u);
}

// Prequential (test-then-train) accuracy of scaler + learner on SEA.
template <typename Learner>
double SeaPrequentialAccuracy(Learner& learner, StandardScaler& scaler,
                              uint64_t n, SeaGenerator& sea) {
  uint64_t correct = 0;
  double z[3];
  std::vector<Feature> x(3);
  for (uint64_t i = 0; i < n; ++i) {
    const SeaExample e = sea.Next();
    scaler.Learn(e.x);
    scaler.Transform(e.x, absl::MakeSpan(z));
    for (uint32_t k = 0; k < 3; ++k) x[k] = {k, z[k]};
    correct += (learner.Learn(x, e.y) > 0.5) == e.y;
  }
  return static_cast<double>(correct) / n;
}

TEST(SeaTest, FtrlPrequentialAccuracyAtLeast088) {
  FtrlOptions o;
  o.alpha = 0.5;
  o.l2 = 0.0;
  o.dimension = 8;
  FtrlLogistic ftrl(o);
  StandardScaler scaler(3);
  SeaGenerator sea(/*seed=*/7, /*concept_length=*/25000);
  const double acc = SeaPrequentialAccuracy(ftrl, scaler, 100000, sea);
  EXPECT_GE(acc, 0.88);
  EXPECT_LE(acc, 0.905);  // the 10% label noise caps it at ~0.90
}

TEST(SeaTest, SgdPrequentialAccuracyAtLeast088) {
  SgdOptions o;
  o.learning_rate = 0.005;
  o.dimension = 8;
  SgdLogistic sgd(o);
  StandardScaler scaler(3);
  SeaGenerator sea(7, 25000);
  EXPECT_GE(SeaPrequentialAccuracy(sgd, scaler, 100000, sea), 0.88);
}

TEST(SeaTest, GeneratorFollowsConceptsAndNoise) {
  SeaGenerator sea(1, 1000, 0.1);
  static constexpr double kThetas[4] = {8, 9, 7, 9.5};
  int flipped = 0;
  for (int i = 0; i < 8000; ++i) {
    const SeaExample e = sea.Next();
    EXPECT_EQ(e.concept_index, (i / 1000) % 4);
    for (double v : e.x) ASSERT_TRUE(v >= 0 && v < 10);
    flipped += e.y != (e.x[0] + e.x[1] > kThetas[e.concept_index]);
  }
  EXPECT_NEAR(flipped / 8000.0, 0.1, 0.015);
}

TEST(HyperplaneTest, FtrlTracksDriftingHyperplane) {
  FtrlOptions o;
  o.alpha = 0.5;
  o.l2 = 0.0;
  o.dimension = 16;
  FtrlLogistic ftrl(o);
  HyperplaneGenerator gen(3, 10);
  HyperplaneExample e;
  std::vector<Feature> x(10);
  uint64_t correct = 0;
  const uint64_t n = 100000;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Next(&e);
    for (uint32_t k = 0; k < 10; ++k) x[k] = {k, e.x[k] - 0.5};
    correct += (ftrl.Learn(x, e.y) > 0.5) == e.y;
  }
  EXPECT_GE(static_cast<double>(correct) / n, 0.85);
}

TEST(StandardScalerTest, MatchesBatchMeanAndVariance) {
  StandardScaler s(2);
  const double data[4][2] = {{1, 10}, {2, 10}, {3, 10}, {6, 10}};
  for (const auto& row : data) s.Learn(row);
  EXPECT_DOUBLE_EQ(s.mean(0), 3.0);
  EXPECT_DOUBLE_EQ(s.variance(0), 3.5);  // population variance
  double out[2];
  const double x[2] = {6, 10};
  s.Transform(x, absl::MakeSpan(out));
  EXPECT_DOUBLE_EQ(out[0], 3.0 / std::sqrt(3.5));
  EXPECT_EQ(out[1], 0.0);  // zero variance
}

// Restore-then-continue must equal uninterrupted, bit for bit.
TEST(LearnerStateTest, RestoreThenContinueEqualsUninterrupted) {
  FtrlOptions fo;
  fo.dimension = 64;
  fo.l1 = 0.01;
  SgdOptions so;
  so.dimension = 64;
  FtrlLogistic ftrl_a(fo), ftrl_b(fo);
  SgdLogistic sgd_a(so), sgd_b(so);
  StandardScaler sc_a(3), sc_b(3);
  FeatureHasher hasher(64, 9);
  SeaGenerator sea(11, 500);
  std::vector<Feature> x;
  auto step = [&](FtrlLogistic& f, SgdLogistic& g, StandardScaler& s,
                  const SeaExample& e) {
    s.Learn(e.x);
    double z[3];
    s.Transform(e.x, absl::MakeSpan(z));
    x = {{0, z[0]},
         {1, z[1]},
         {2, z[2]},
         {hasher.Bucket("bucket", std::to_string(int(e.x[2]))), 1.0}};
    return std::make_pair(f.Learn(x, e.y), g.Learn(x, e.y));
  };
  for (int i = 0; i < 3000; ++i) {
    const SeaExample e = sea.Next();
    step(ftrl_a, sgd_a, sc_a, e);
    step(ftrl_b, sgd_b, sc_b, e);
  }
  auto f = FtrlLogistic::Deserialize(ftrl_b.Serialize());
  auto g = SgdLogistic::Deserialize(sgd_b.Serialize());
  auto s = StandardScaler::Deserialize(sc_b.Serialize());
  ASSERT_TRUE(f.ok() && g.ok() && s.ok());
  for (int i = 0; i < 3000; ++i) {
    const SeaExample e = sea.Next();
    const auto pa = step(ftrl_a, sgd_a, sc_a, e);
    const auto pb = step(*f, *g, *s, e);
    ASSERT_EQ(pa, pb) << i;  // exact equality
  }
  EXPECT_EQ(ftrl_a.Serialize(), f->Serialize());
  EXPECT_EQ(sgd_a.Serialize(), g->Serialize());
  EXPECT_EQ(sc_a.Serialize(), s->Serialize());
}

TEST(LearnerStateTest, CorruptStateIsRejected) {
  FtrlOptions fo;
  fo.dimension = 8;
  FtrlLogistic ftrl(fo);
  const Feature x[] = {{1, 1.0}, {3, -2.0}};
  for (int i = 0; i < 10; ++i) ftrl.Learn(x, i % 3 == 0);
  const std::string good = ftrl.Serialize();
  for (size_t i = 0; i < good.size(); ++i) {
    EXPECT_FALSE(FtrlLogistic::Deserialize(good.substr(0, i)).ok());
    std::string bad = good;
    bad[i] ^= 0x40;
    EXPECT_FALSE(FtrlLogistic::Deserialize(bad).ok()) << i;
  }
  // A well-formed frame (valid CRC) asking for a huge dense state.
  StateWriter huge(StateTag::kFtrl, 1);
  for (double v : {0.1, 1.0, 0.0, 1.0}) huge.F64(v);
  huge.U32(1u << 30);
  for (int i = 0; i < 3; ++i) huge.U64(0);
  EXPECT_FALSE(FtrlLogistic::Deserialize(huge.Finish()).ok());
  StandardScaler sc(2);
  EXPECT_FALSE(StandardScaler::Deserialize(good).ok());  // wrong type
  EXPECT_FALSE(SgdLogistic::Deserialize(sc.Serialize()).ok());
}

}  // namespace
}  // namespace rtai::ml
