// TransactionGenerator: determinism by seed, fraud rate, the drift of the
// fraud pattern, delayed labels, bounded pending labels.

#include "engine/ml/fraud/transaction_generator.h"

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

struct Stream {
  std::vector<Transaction> tx;
  std::vector<LabelEvent> labels;
  std::vector<std::string> json;  // merged stream, in order
};

// Runs the merged stream until `n` transactions, then drains the labels.
Stream Generate(const FraudGeneratorOptions& o, int64_t n) {
  TransactionGenerator g(o);
  Stream s;
  while (static_cast<int64_t>(s.tx.size()) < n) {
    GeneratedEvent e = g.Next();
    if (e.is_label) {
      s.json.push_back(e.label.ToJson());
      s.labels.push_back(e.label);
    } else {
      s.json.push_back(e.transaction.ToJson());
      s.tx.push_back(e.transaction);
    }
  }
  for (LabelEvent& l : g.DrainLabels()) {
    s.json.push_back(l.ToJson());
    s.labels.push_back(l);
  }
  return s;
}

double Km(double lat1, double lon1, double lat2, double lon2) {
  const double r = M_PI / 180;
  const double a = std::pow(std::sin((lat2 - lat1) * r / 2), 2) +
                   std::cos(lat1 * r) * std::cos(lat2 * r) *
                       std::pow(std::sin((lon2 - lon1) * r / 2), 2);
  return 2 * 6371 * std::asin(std::sqrt(a));
}

TEST(TransactionGeneratorTest, SameSeedSameStreamOtherSeedOther) {
  FraudGeneratorOptions o;
  o.seed = 42;
  o.drift_after_events = 5000;
  const Stream a = Generate(o, 10000);
  const Stream b = Generate(o, 10000);
  EXPECT_EQ(a.json, b.json);
  o.seed = 43;
  const Stream c = Generate(o, 10000);
  EXPECT_NE(a.json, c.json);
  EXPECT_EQ(a.tx[0].ToJson().substr(0, 48),
            R"({"event_id":"tx-000000000000","event_time_ms":17)");
}

TEST(TransactionGeneratorTest, FraudRateWithinBoundsBeforeAndAfterDrift) {
  FraudGeneratorOptions o;
  o.drift_after_events = int64_t{1} << 40;  // never: one whole day of pattern A
  TransactionGenerator g(o);
  int64_t n = 0, fraud = 0;
  for (;;) {
    GeneratedEvent e = g.Next();
    if (e.is_label) continue;
    if (e.transaction.event_time_ms >= o.start_time_ms + kDayMs) break;
    ++n;
    fraud += e.transaction.is_fraud;
  }
  EXPECT_GT(n, 150000);  // ~0.575 * 4/s * 86400 s
  EXPECT_LT(n, 250000);
  EXPECT_NEAR(static_cast<double>(fraud) / n, o.fraud_rate, 0.004);

  o.drift_after_events = 0;
  const Stream after = Generate(o, 100000);
  int64_t f = 0;
  for (const Transaction& t : after.tx) f += t.is_fraud;
  EXPECT_NEAR(f / 100000.0, o.fraud_rate, 0.002);
}

struct PatternStats {
  int64_t fraud = 0, night = 0, far = 0, small = 0, online = 0, rare = 0;
  double amount_sum = 0;
};

TEST(TransactionGeneratorTest, DriftChangesTheFraudPattern) {
  FraudGeneratorOptions o;
  o.drift_after_events = 200000;  // about a day of pattern A, then pattern B
  const Stream s = Generate(o, 400000);
  const std::set<std::string> rare = {"gift_cards", "digital_goods",
                                      "crypto_exchange"};
  PatternStats pre, post, legit;
  std::map<std::string, std::pair<double, double>> last_legit;  // card -> loc
  for (const Transaction& t : s.tx) {
    if (!t.is_fraud) {
      last_legit[t.card_id] = {t.merchant_lat, t.merchant_lon};
      legit.amount_sum += t.amount;
      ++legit.fraud;  // count
      legit.rare += rare.count(t.merchant_category);
      continue;
    }
    PatternStats& p = t.index < o.drift_after_events ? pre : post;
    EXPECT_EQ(t.pattern, t.index < o.drift_after_events
                             ? FraudPattern::kNightFarBurst
                             : FraudPattern::kSmallNewCategory);
    ++p.fraud;
    const int hour = static_cast<int>((t.event_time_ms / 3600000) % 24);
    p.night += hour < 6;
    auto it = last_legit.find(t.card_id);
    if (it != last_legit.end()) {
      p.far += Km(it->second.first, it->second.second, t.merchant_lat,
                  t.merchant_lon) > 300;
    }
    p.small += t.amount <= 20;
    p.online += t.channel == "online";
    p.rare += rare.count(t.merchant_category);
    p.amount_sum += t.amount;
  }
  ASSERT_GT(pre.fraud, 2000);
  ASSERT_GT(post.fraud, 2000);
  // Pattern A: night, far from home, large amounts, card present.
  EXPECT_EQ(pre.night, pre.fraud);
  EXPECT_GT(pre.far, 0.7 * pre.fraud);
  EXPECT_LT(pre.small, 0.02 * pre.fraud);
  EXPECT_EQ(pre.online, 0);
  EXPECT_EQ(pre.rare, 0);
  EXPECT_GT(pre.amount_sum / pre.fraud, 4 * legit.amount_sum / legit.fraud);
  // Pattern B: any hour, near home, small, online, rare categories.
  EXPECT_LT(post.night, 0.3 * post.fraud);
  EXPECT_LT(post.far, 0.3 * post.fraud);
  EXPECT_EQ(post.small, post.fraud);
  EXPECT_EQ(post.online, post.fraud);
  EXPECT_EQ(post.rare, post.fraud);
  EXPECT_LT(post.amount_sum / post.fraud, 0.5 * legit.amount_sum / legit.fraud);
  // Those categories are rare for legitimate cards (about 1%).
  EXPECT_LT(legit.rare, 0.02 * legit.fraud);
}

TEST(TransactionGeneratorTest, LabelsArriveDelayedInEventTimeOrder) {
  FraudGeneratorOptions o;
  o.label_delay_ms = 120000;
  o.label_delay_jitter_ms = 30000;
  TransactionGenerator g(o);
  std::map<std::string, Transaction> seen;
  std::set<std::string> labelled;
  int64_t last_time = 0;
  for (int i = 0; i < 50000; ++i) {
    GeneratedEvent e = g.Next();
    ASSERT_GE(e.event_time_ms(), last_time);
    last_time = e.event_time_ms();
    if (!e.is_label) {
      seen[e.transaction.event_id] = e.transaction;
      continue;
    }
    auto it = seen.find(e.label.event_id);
    ASSERT_NE(it, seen.end()) << "label before its transaction";
    const int64_t delay = e.label.label_time_ms - it->second.event_time_ms;
    EXPECT_GE(delay, 120000);
    EXPECT_LT(delay, 150000);
    EXPECT_EQ(e.label.is_fraud, it->second.is_fraud);
    EXPECT_EQ(e.label.card_id, it->second.card_id);
    EXPECT_TRUE(labelled.insert(e.label.event_id).second);
  }
  for (const LabelEvent& l : g.DrainLabels()) {
    EXPECT_TRUE(labelled.insert(l.event_id).second);
  }
  EXPECT_EQ(labelled.size(), seen.size());  // every transaction, once

  o.label_delay_jitter_ms = 0;
  o.max_pending_labels = 1'000'000;
  const Stream s = Generate(o, 2000);
  for (size_t i = 0; i < s.labels.size(); ++i) {
    EXPECT_EQ(s.labels[i].label_time_ms - s.labels[i].transaction_time_ms,
              120000);
  }
}

TEST(TransactionGeneratorTest, PendingLabelsAreBounded) {
  FraudGeneratorOptions o;
  o.label_delay_ms = 3600 * 1000;  // an hour: thousands would be pending
  o.max_pending_labels = 10;
  TransactionGenerator g(o);
  std::set<std::string> emitted;
  for (int i = 0; i < 20000; ++i) {
    GeneratedEvent e = g.Next();
    EXPECT_LE(g.pending_labels(), 10u);
    if (e.is_label) {
      EXPECT_EQ(emitted.count(e.label.event_id), 1u);
    } else {
      emitted.insert(e.transaction.event_id);
    }
  }
}

TEST(TransactionGeneratorTest, ValidateRejectsBadOptions) {
  FraudGeneratorOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.fraud_rate = 0.5;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.num_cards = 0;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.peak_events_per_second = std::nan("");
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.label_delay_ms = -1;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.num_merchants = 5;
  EXPECT_FALSE(o.Validate().ok());
}

}  // namespace
}  // namespace rtai::ml
