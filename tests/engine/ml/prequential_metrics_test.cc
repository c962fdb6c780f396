#include "engine/ml/drift/prequential_metrics.h"

#include <cmath>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

TEST(PrequentialMetricsTest, ExactValuesOnSmallWindow) {
  PrequentialOptions o;
  o.window = 4;
  PrequentialMetrics m(o);
  EXPECT_TRUE(std::isnan(m.Accuracy()));
  ASSERT_TRUE(m.Update(0.9, true).ok());
  ASSERT_TRUE(m.Update(0.2, false).ok());
  ASSERT_TRUE(m.Update(0.6, false).ok());
  ASSERT_TRUE(m.Update(0.6, true).ok());
  EXPECT_DOUBLE_EQ(m.Accuracy(), 0.75);
  EXPECT_NEAR(
      m.LogLoss(),
      -(std::log(0.9) + std::log(0.8) + std::log(0.4) + std::log(0.6)) / 4,
      1e-15);
  // Positives {0.9, 0.6}, negatives {0.2, 0.6}: pairs 1 + 1 + 1 + 0.5 (tie).
  EXPECT_DOUBLE_EQ(m.Auc(), 3.5 / 4);
  // Slide: the 0.9/true entry leaves the window.
  ASSERT_TRUE(m.Update(0.1, false).ok());
  EXPECT_EQ(m.size(), 4u);
  EXPECT_DOUBLE_EQ(m.Accuracy(), 0.75);
  EXPECT_DOUBLE_EQ(m.Auc(), 2.5 / 3);  // pos {0.6}; neg {0.2, 0.6, 0.1}
  EXPECT_FALSE(m.Update(NAN, true).ok());
}

TEST(PrequentialMetricsTest, AucMatchesBruteForcePairs) {
  PrequentialOptions o;
  o.window = 300;
  PrequentialMetrics m(o);
  Random rng(5);
  std::vector<std::pair<double, bool>> all;
  for (int i = 0; i < 1000; ++i) {
    const bool y = rng.NextDouble() < 0.3;
    const double p =
        std::round((rng.NextDouble() * 0.7 + (y ? 0.3 : 0)) * 20) / 20;
    all.emplace_back(p, y);
    ASSERT_TRUE(m.Update(p, y).ok());
  }
  double wins = 0, pairs = 0;
  for (size_t i = all.size() - 300; i < all.size(); ++i) {
    for (size_t j = all.size() - 300; j < all.size(); ++j) {
      if (all[i].second && !all[j].second) {
        pairs += 1;
        wins += all[i].first > all[j].first
                    ? 1
                    : (all[i].first == all[j].first ? 0.5 : 0);
      }
    }
  }
  EXPECT_NEAR(m.Auc(), wins / pairs, 1e-12);
}

TEST(PrequentialMetricsTest, RestoreThenContinueEqualsUninterrupted) {
  PrequentialOptions o;
  o.window = 50;
  PrequentialMetrics a(o);
  Random rng(1);
  for (int i = 0; i < 137; ++i)
    ASSERT_TRUE(a.Update(rng.NextDouble(), i % 3 == 0).ok());
  auto b = PrequentialMetrics::Deserialize(a.Serialize());
  ASSERT_TRUE(b.ok()) << b.status();
  for (int i = 0; i < 500; ++i) {
    const double p = rng.NextDouble();
    ASSERT_TRUE(a.Update(p, i % 4 == 0).ok());
    ASSERT_TRUE(b->Update(p, i % 4 == 0).ok());
    ASSERT_EQ(a.LogLoss(), b->LogLoss());
    ASSERT_EQ(a.Auc(), b->Auc());
    ASSERT_EQ(a.Accuracy(), b->Accuracy());
  }
  EXPECT_EQ(a.Serialize(), b->Serialize());
  const std::string good = a.Serialize();
  for (size_t i = 0; i < good.size(); i += 3) {
    std::string bad = good;
    bad[i] ^= 0x20;
    EXPECT_FALSE(PrequentialMetrics::Deserialize(bad).ok());
  }
}

}  // namespace
}  // namespace rtai::ml
