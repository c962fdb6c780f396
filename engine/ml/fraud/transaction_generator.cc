#include "engine/ml/fraud/transaction_generator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/check.h"

namespace rtai::ml {
namespace {

struct City {
  double lat, lon;
};
// New York, Los Angeles, Chicago, Houston, Phoenix, Philadelphia,
// San Antonio, San Diego, Dallas, Seattle, Miami, Denver.
constexpr City kCities[] = {
    {40.7128, -74.0060},  {34.0522, -118.2437}, {41.8781, -87.6298},
    {29.7604, -95.3698},  {33.4484, -112.0740}, {39.9526, -75.1652},
    {29.4241, -98.4936},  {32.7157, -117.1611}, {32.7767, -96.7970},
    {47.6062, -122.3321}, {25.7617, -80.1918},  {39.7392, -104.9903}};
constexpr int kNumCities = sizeof(kCities) / sizeof(kCities[0]);

struct Category {
  const char* name;
  double amount_factor;
  bool online;
};
// The first kNumNormal are everyday categories; the rest are rare for
// legitimate use and become the post-drift fraud targets.
constexpr Category kCategories[] = {
    {"grocery", 1.0, false},       {"restaurant", 0.9, false},
    {"gas", 1.0, false},           {"retail", 1.5, false},
    {"online_retail", 1.4, true},  {"travel", 4.0, false},
    {"electronics", 3.0, false},   {"entertainment", 1.0, false},
    {"health", 1.5, false},        {"utilities", 2.0, false},
    {"gift_cards", 1.0, true},     {"digital_goods", 0.5, true},
    {"crypto_exchange", 3.0, true}};
constexpr int kNumCategories = sizeof(kCategories) / sizeof(kCategories[0]);
constexpr int kNumNormal = 10;
constexpr int kElectronics = 6, kTravel = 5, kRetail = 3;
constexpr size_t kMaxBursts = 16;
constexpr double kMsPerHour = 3600.0 * 1000;

// Relative transaction rate by (fractional) hour of day: 1 at 16:00,
// 0.15 at 04:00.
double Diurnal(double hour) {
  return 0.15 + 0.85 * 0.5 * (1 - std::cos(2 * M_PI * (hour - 4) / 24));
}
bool NightHour(double hour) { return hour < 6; }
double HourOf(double time_ms) { return std::fmod(time_ms / kMsPerHour, 24.0); }
double Round(double v, double unit) { return std::round(v / unit) * unit; }

}  // namespace

const char* FraudPatternName(FraudPattern p) {
  switch (p) {
    case FraudPattern::kNone:
      return "none";
    case FraudPattern::kNightFarBurst:
      return "night_far_burst";
    case FraudPattern::kSmallNewCategory:
      return "small_new_category";
  }
  return "unknown";
}

absl::Status FraudGeneratorOptions::Validate() const {
  if (num_cards < 10 || num_cards > 10'000'000) {
    return absl::InvalidArgumentError("num_cards must be in [10, 10000000]");
  }
  if (num_merchants < kNumCategories * kNumCities ||
      num_merchants > 1'000'000) {
    return absl::InvalidArgumentError(absl::StrCat("num_merchants must be in [",
                                                   kNumCategories * kNumCities,
                                                   ", 1000000]"));
  }
  if (!(peak_events_per_second > 0 && peak_events_per_second <= 1e6)) {
    return absl::InvalidArgumentError(
        "peak_events_per_second must be in (0, 1000000]");
  }
  if (!(fraud_rate >= 0 && fraud_rate <= 0.05)) {
    return absl::InvalidArgumentError("fraud_rate must be in [0, 0.05]");
  }
  if (drift_after_events < 0 || label_delay_ms < 0 ||
      label_delay_jitter_ms < 0 || start_time_ms < 0) {
    return absl::InvalidArgumentError(
        "drift_after_events, label delays and start_time_ms must be >= 0");
  }
  if (max_pending_labels < 1) {
    return absl::InvalidArgumentError("max_pending_labels must be >= 1");
  }
  return absl::OkStatus();
}

TransactionGenerator::TransactionGenerator(const FraudGeneratorOptions& options)
    : options_(options), rng_(options.seed) {
  CHECK(options_.Validate().ok());
  now_ms_ = static_cast<double>(options_.start_time_ms);
  // The first kNumCategories * kNumCities merchants cover every (category,
  // city) pair, so "a merchant of this category in this city" always exists.
  for (int i = 0; i < options_.num_merchants; ++i) {
    Merchant m;
    m.category = i % kNumCategories;
    m.city = i < kNumCategories * kNumCities
                 ? i / kNumCategories
                 : static_cast<int>(rng_.Uniform(kNumCities));
    m.lat = kCities[m.city].lat + (rng_.NextDouble() - 0.5) * 0.1;
    m.lon = kCities[m.city].lon + (rng_.NextDouble() - 0.5) * 0.1;
    merchants_.push_back(m);
  }
  merchants_by_category_.resize(kNumCategories * (kNumCities + 1));
  for (int i = 0; i < options_.num_merchants; ++i) {
    const Merchant& m = merchants_[i];
    merchants_by_category_[m.category * (kNumCities + 1)].push_back(i);
    merchants_by_category_[m.category * (kNumCities + 1) + 1 + m.city]
        .push_back(i);
  }
  for (int i = 0; i < options_.num_cards; ++i) {
    Card c;
    c.city = static_cast<int>(rng_.Uniform(kNumCities));
    c.amount_mu = 2.6 + 1.4 * rng_.NextDouble();
    c.amount_sigma = 0.3 + 0.5 * rng_.NextDouble();
    for (int& f : c.favourite) f = static_cast<int>(rng_.Uniform(kNumNormal));
    cards_.push_back(c);
  }
  // Pre-drift fraud happens only at night: raise its probability there by
  // the inverse of the night's share of traffic, so the overall rate holds.
  double night = 0, all = 0;
  for (int m = 0; m < 24 * 60; ++m) {
    const double d = Diurnal(m / 60.0);
    all += d;
    if (NightHour(m / 60.0)) night += d;
  }
  night_fraud_probability_ = std::min(1.0, options_.fraud_rate * all / night);
}

double TransactionGenerator::Gaussian() {     // Box-Muller
  const double u1 = 1.0 - rng_.NextDouble();  // (0, 1]
  const double u2 = rng_.NextDouble();
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

int TransactionGenerator::PickMerchant(int category, int city, bool same_city) {
  // Index: category * (cities + 1) holds all of the category's merchants,
  // + 1 + city those in the city (never empty, see the constructor).
  const std::vector<int>& ms =
      merchants_by_category_[category * (kNumCities + 1) +
                             (same_city ? 1 + city : 0)];
  return ms[rng_.Uniform(ms.size())];
}

int64_t TransactionGenerator::AdvanceTime() {
  const double rate_per_ms =
      options_.peak_events_per_second * Diurnal(HourOf(now_ms_)) / 1000.0;
  now_ms_ += -std::log(1.0 - rng_.NextDouble()) / rate_per_ms;
  return static_cast<int64_t>(now_ms_);
}

void TransactionGenerator::MakeLegit(Transaction& t, int card) {
  const Card& c = cards_[card];
  const double u = rng_.NextDouble();
  const int category =
      u < 0.85 ? c.favourite[rng_.Uniform(3)]
      : u < 0.99
          ? static_cast<int>(rng_.Uniform(kNumNormal))
          : kNumNormal +
                static_cast<int>(rng_.Uniform(kNumCategories - kNumNormal));
  const bool home = rng_.NextDouble() < 0.92;
  const int m = PickMerchant(category, c.city, home);
  t.merchant_id = absl::StrFormat("m-%05d", m);
  t.amount = std::exp(c.amount_mu + c.amount_sigma * Gaussian()) *
             kCategories[category].amount_factor;
  const double ch = rng_.NextDouble();
  t.channel = kCategories[category].online ? "online"
              : ch < 0.6                   ? "chip"
              : ch < 0.9                   ? "contactless"
                                           : "swipe";
}

// A compromised card: continue one of the open bursts, or open a new one.
static int BurstCard(Random& rng, std::vector<std::pair<int, int>>& bursts,
                     int num_cards, int min_len, int max_len) {
  if (!bursts.empty() && rng.NextDouble() < 0.75) {
    const size_t i = rng.Uniform(bursts.size());
    const int card = bursts[i].first;
    if (--bursts[i].second <= 0) bursts.erase(bursts.begin() + i);
    return card;
  }
  const int card = static_cast<int>(rng.Uniform(num_cards));
  const int len =
      min_len + static_cast<int>(rng.Uniform(max_len - min_len + 1));
  if (bursts.size() < kMaxBursts) bursts.push_back({card, len - 1});
  return card;
}

void TransactionGenerator::MakeNightFarBurst(Transaction& t) {
  const int card = BurstCard(rng_, bursts_, options_.num_cards, 3, 8);
  const Card& c = cards_[card];
  t.card_id = absl::StrFormat("card-%05d", card);
  static constexpr int kTargets[] = {kElectronics, kTravel, kRetail};
  const int category = kTargets[rng_.Uniform(3)];
  int city = static_cast<int>(rng_.Uniform(kNumCities - 1));
  if (city >= c.city) ++city;  // any city but home
  const int m = PickMerchant(category, city, true);
  t.merchant_id = absl::StrFormat("m-%05d", m);
  t.amount = std::exp(c.amount_mu + 1.8 + 0.5 * c.amount_sigma * Gaussian()) *
             kCategories[category].amount_factor;
  t.channel = "swipe";
}

void TransactionGenerator::MakeSmallNewCategory(Transaction& t) {
  const int card = BurstCard(rng_, bursts_, options_.num_cards, 5, 15);
  const Card& c = cards_[card];
  t.card_id = absl::StrFormat("card-%05d", card);
  const int category =
      kNumNormal + static_cast<int>(rng_.Uniform(kNumCategories - kNumNormal));
  t.merchant_id =
      absl::StrFormat("m-%05d", PickMerchant(category, c.city, true));
  t.amount = 1.0 + 19.0 * rng_.NextDouble();
  t.channel = "online";
}

Transaction TransactionGenerator::NextTransaction() {
  Transaction t;
  t.index = next_index_++;
  t.event_id = absl::StrFormat("tx-%012d", t.index);
  t.event_time_ms = AdvanceTime();
  const bool drifted = t.index >= options_.drift_after_events;
  if (drifted && !drifted_) {
    drifted_ = true;
    bursts_.clear();  // the old fraud campaigns stop
  }
  const double p = drifted                      ? options_.fraud_rate
                   : NightHour(HourOf(now_ms_)) ? night_fraud_probability_
                                                : 0.0;
  t.is_fraud = rng_.NextDouble() < p;
  if (!t.is_fraud) {
    const int card = static_cast<int>(std::min(
        rng_.Uniform(options_.num_cards), rng_.Uniform(options_.num_cards)));
    t.card_id = absl::StrFormat("card-%05d", card);
    MakeLegit(t, card);
  } else if (!drifted) {
    t.pattern = FraudPattern::kNightFarBurst;
    MakeNightFarBurst(t);
  } else {
    t.pattern = FraudPattern::kSmallNewCategory;
    MakeSmallNewCategory(t);
  }
  int m = 0;
  CHECK(std::sscanf(t.merchant_id.c_str(), "m-%d", &m) == 1);
  t.merchant_category = kCategories[merchants_[m].category].name;
  t.merchant_lat = Round(merchants_[m].lat, 1e-5);
  t.merchant_lon = Round(merchants_[m].lon, 1e-5);
  t.amount = std::max(0.01, Round(t.amount, 0.01));
  return t;
}

GeneratedEvent TransactionGenerator::Next() {
  if (!have_lookahead_) {
    lookahead_ = NextTransaction();
    have_lookahead_ = true;
  }
  GeneratedEvent e;
  // Every pending label belongs to an emitted transaction. At the bound the
  // earliest goes out early rather than holding more.
  if (!pending_.empty() &&
      (pending_.top().label_time_ms <= lookahead_.event_time_ms ||
       static_cast<int64_t>(pending_.size()) >= options_.max_pending_labels)) {
    e.is_label = true;
    e.label = pending_.top();
    pending_.pop();
    return e;
  }
  LabelEvent l;
  l.event_id = lookahead_.event_id;
  l.card_id = lookahead_.card_id;
  l.transaction_time_ms = lookahead_.event_time_ms;
  l.label_time_ms =
      lookahead_.event_time_ms + options_.label_delay_ms +
      (options_.label_delay_jitter_ms > 0
           ? static_cast<int64_t>(rng_.Uniform(options_.label_delay_jitter_ms))
           : 0);
  l.is_fraud = lookahead_.is_fraud;
  l.pattern = lookahead_.pattern;
  pending_.push(std::move(l));
  e.transaction = std::move(lookahead_);
  have_lookahead_ = false;
  return e;
}

std::vector<LabelEvent> TransactionGenerator::DrainLabels() {
  std::vector<LabelEvent> out;
  out.reserve(pending_.size());
  while (!pending_.empty()) {
    out.push_back(pending_.top());
    pending_.pop();
  }
  return out;
}

std::string Transaction::ToJson() const {
  return absl::StrFormat(
      R"({"event_id":"%s","event_time_ms":%d,"card_id":"%s","merchant_id":"%s",)"
      R"("merchant_category":"%s","amount":%.2f,"merchant_lat":%.5f,)"
      R"("merchant_lon":%.5f,"channel":"%s"})",
      event_id, event_time_ms, card_id, merchant_id, merchant_category, amount,
      merchant_lat, merchant_lon, channel);
}

std::string LabelEvent::ToJson() const {
  return absl::StrFormat(
      R"({"event_id":"%s","card_id":"%s","label_time_ms":%d,)"
      R"("transaction_time_ms":%d,"is_fraud":%s,"fraud_pattern":"%s"})",
      event_id, card_id, label_time_ms, transaction_time_ms,
      is_fraud ? "true" : "false", FraudPatternName(pattern));
}

}  // namespace rtai::ml
