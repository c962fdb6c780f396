#include "engine/ml/champion_challenger.h"

#include <vector>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

// A synthetic model of quality q in [0, 1]: its score is q * (signal) +
// (1 - q) * noise, so higher q gives higher AUC.
double Score(Random& rng, bool label, double quality) {
  const double signal = label ? 1.0 : 0.0;
  return quality * signal * 0.8 + (1 - quality * 0.8) * rng.NextDouble();
}

ChampionChallengerOptions SmallOptions() {
  ChampionChallengerOptions o;
  o.metric = Metric::kAuc;
  o.window = 200;
  o.promotion_margin = 0.02;
  o.min_labels = 300;
  o.bake_period_ms = 60000;
  o.rollback_min_labels = 200;
  o.probation_ms = 600000;
  return o;
}

struct FeedResult {
  std::vector<Decision> decisions;
  std::vector<int64_t> decision_index;
};

// Feeds `n` labels one second apart; quality_a/b may change over time.
template <typename QualityA, typename QualityB>
FeedResult Feed(ChampionChallenger& cc, int n, QualityA qa, QualityB qb,
                uint64_t seed = 1, int start = 0) {
  Random rng(seed);
  FeedResult run;
  for (int i = start; i < start + n; ++i) {
    const bool y = rng.NextDouble() < 0.3;
    const double a = Score(rng, y, qa(i)), b = Score(rng, y, qb(i));
    auto d = cc.OnLabel(a, b, y, int64_t{i} * 1000);
    EXPECT_TRUE(d.ok());
    if (d.ok() && d->has_value()) {
      run.decisions.push_back(**d);
      run.decision_index.push_back(i);
    }
  }
  return run;
}

auto Const(double q) {
  return [q](int) { return q; };
}

TEST(ChampionChallengerTest, PromotesAClearlyBetterModelAfterLabelsAndBake) {
  ChampionChallengerOptions o = SmallOptions();
  o.bake_period_ms = 500000;  // bake (500 s = 500 labels) outlasts min_labels
  ChampionChallenger cc(o, "lr-v1", "xgb-v2");
  const FeedResult run = Feed(cc, 2000, Const(0.2), Const(0.9));
  ASSERT_GE(run.decisions.size(), 1u);
  const Decision& d = run.decisions[0];
  EXPECT_EQ(d.type, DecisionType::kPromoted);
  EXPECT_EQ(d.champion, "xgb-v2");
  EXPECT_EQ(d.previous_champion, "lr-v1");
  EXPECT_EQ(run.decision_index[0], 500);  // exactly when the bake ends
  EXPECT_GT(d.champion_metric, d.other_metric + 0.02);
  EXPECT_FALSE(cc.champion_is_a());
  EXPECT_NE(d.ToJson().find("\"type\":\"promoted\""), std::string::npos);
  // It keeps its metric: confirmed after probation, never rolled back.
  for (const Decision& later : run.decisions) {
    EXPECT_NE(later.type, DecisionType::kRolledBack);
  }
  ASSERT_EQ(run.decisions.size(), 2u);
  EXPECT_EQ(run.decisions[1].type, DecisionType::kConfirmed);
}

TEST(ChampionChallengerTest, NeedsMinimumLabels) {
  ChampionChallengerOptions o = SmallOptions();
  o.bake_period_ms = 0;
  ChampionChallenger cc(o, "a", "b");
  const FeedResult run = Feed(cc, 1000, Const(0.2), Const(0.9));
  ASSERT_FALSE(run.decisions.empty());
  EXPECT_EQ(run.decision_index[0], 299);  // the 300th label
}

TEST(ChampionChallengerTest, DoesNotPromoteWorseOrEqualModels) {
  for (double qb : {0.1, 0.5}) {  // worse; and equal quality (different noise)
    // The margin must exceed the metric's sampling noise over the window.
    ChampionChallengerOptions o = SmallOptions();
    o.window = 1000;
    o.promotion_margin = 0.05;
    ChampionChallenger cc(o, "a", "b");
    const FeedResult run = Feed(cc, 5000, Const(0.5), Const(qb));
    EXPECT_TRUE(run.decisions.empty()) << qb;
    EXPECT_TRUE(cc.champion_is_a());
  }
  // Identical scores: never strictly better.
  ChampionChallengerOptions o = SmallOptions();
  o.promotion_margin = 0;
  ChampionChallenger cc(o, "a", "b");
  Random rng(2);
  for (int i = 0; i < 3000; ++i) {
    const bool y = rng.NextDouble() < 0.5;
    const double s = Score(rng, y, 0.5);
    auto d = cc.OnLabel(s, s, y, int64_t{i} * 1000);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->has_value());
  }
}

TEST(ChampionChallengerTest, RollsBackWhenThePromotedModelDegrades) {
  ChampionChallengerOptions o = SmallOptions();
  o.probation_ms = 100000000;  // still on probation when it degrades
  ChampionChallenger cc(o, "a", "b");
  // b is excellent until label 1000, then collapses to noise.
  const FeedResult run =
      Feed(cc, 3000, Const(0.5), [](int i) { return i < 1000 ? 0.95 : 0.0; });
  ASSERT_EQ(run.decisions.size(), 2u) << run.decisions.back().ToJson();
  EXPECT_EQ(run.decisions[0].type, DecisionType::kPromoted);
  EXPECT_EQ(run.decisions[1].type, DecisionType::kRolledBack);
  EXPECT_EQ(run.decisions[1].champion, "a");
  EXPECT_LT(run.decisions[1].other_metric, run.decisions[1].recorded_metric);
  EXPECT_GT(run.decision_index[1], 1000);
  EXPECT_TRUE(cc.champion_is_a());
  EXPECT_EQ(cc.phase(), ChampionChallenger::Phase::kRetired);
  // A new challenger gets a fresh evaluation.
  cc.ReplaceChallenger("c", 3000 * 1000);
  EXPECT_EQ(cc.challenger(), "c");
  const FeedResult again = Feed(cc, 2000, Const(0.5), Const(0.95), 7, 3000);
  ASSERT_FALSE(again.decisions.empty());
  EXPECT_EQ(again.decisions[0].champion, "c");
}

TEST(ChampionChallengerTest, EvaluatesEveryKthLabel) {
  ChampionChallengerOptions o = SmallOptions();
  o.bake_period_ms = 0;
  o.evaluate_every_labels = 64;
  ChampionChallenger cc(o, "a", "b");
  const FeedResult run = Feed(cc, 1000, Const(0.2), Const(0.9));
  ASSERT_FALSE(run.decisions.empty());
  EXPECT_EQ(run.decision_index[0],
            319);  // label 320: first multiple of 64 >= 300
}

TEST(ChampionChallengerTest, LogLossIsLowerBetter) {
  ChampionChallengerOptions o = SmallOptions();
  o.metric = Metric::kLogLoss;
  ChampionChallenger cc(o, "a", "b");
  const FeedResult run = Feed(cc, 2000, Const(0.2), Const(0.9));
  ASSERT_FALSE(run.decisions.empty());
  EXPECT_EQ(run.decisions[0].champion, "b");
  EXPECT_LT(run.decisions[0].champion_metric, run.decisions[0].other_metric);
}

TEST(ChampionChallengerTest, RejectsBadInput) {
  ChampionChallenger cc(SmallOptions(), "a", "b");
  EXPECT_FALSE(cc.OnLabel(NAN, 0.5, true, 0).ok());
  EXPECT_FALSE(cc.OnLabel(0.5, 0.5, true, -1).ok());
}

TEST(ChampionChallengerTest, RestoreThenContinueEqualsUninterrupted) {
  auto qb = [](int i) { return i < 1000 ? 0.95 : 0.0; };
  for (int cut : {0, 299, 700, 1100, 1500}) {
    ChampionChallenger a(SmallOptions(), "a", "b\"quoted");
    ChampionChallenger b(SmallOptions(), "a", "b\"quoted");
    Feed(a, cut, Const(0.5), qb, 3);
    Feed(b, cut, Const(0.5), qb, 3);
    auto c = ChampionChallenger::Deserialize(b.Serialize());
    ASSERT_TRUE(c.ok()) << c.status();
    const FeedResult ra = Feed(a, 3000 - cut, Const(0.5), qb, 4, cut);
    const FeedResult rc = Feed(*c, 3000 - cut, Const(0.5), qb, 4, cut);
    ASSERT_EQ(ra.decisions.size(), rc.decisions.size());
    for (size_t i = 0; i < ra.decisions.size(); ++i) {
      EXPECT_EQ(ra.decisions[i].ToJson(), rc.decisions[i].ToJson());
    }
    EXPECT_EQ(a.Serialize(), c->Serialize());
  }
  ChampionChallenger x(SmallOptions(), "a", "b");
  Feed(x, 100, Const(0.5), Const(0.5));
  const std::string good = x.Serialize();
  for (size_t i = 0; i < good.size(); i += 5) {
    std::string bad = good;
    bad[i] ^= 0x02;
    EXPECT_FALSE(ChampionChallenger::Deserialize(bad).ok());
    EXPECT_FALSE(ChampionChallenger::Deserialize(good.substr(0, i)).ok());
  }
}

}  // namespace
}  // namespace rtai::ml
