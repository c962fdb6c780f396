#pragma once
// A deterministic (seeded) generator of card transactions for the fraud
// demo, with concept drift and delayed labels. Schema, profiles and the two
// fraud patterns: docs/MODELS.md ("Fraud data generator").
//
// - Cards have a home city, a log-normal amount profile and favourite
//   merchant categories; merchants have a category and a location.
// - Event time advances by exponential gaps (a Poisson process whose rate
//   follows the hour of day, UTC taken as the cards' local time).
// - Before `drift_after_events`, fraud ("night_far_burst") is bursts of
//   high amounts on swiped cards at merchants far from home, at night.
//   From then on, fraud ("small_new_category") is many small online amounts
//   at gift-card / digital-goods / crypto merchants near home, any hour.
// - Every transaction gets a label event `label_delay_ms` (+ uniform jitter)
//   of event time later; Next() interleaves both in event-time order.
//
// Not thread-safe; one owner. Memory: O(cards + merchants + pending labels);
// pending labels are bounded by the events within the label delay and by
// `max_pending_labels` (Validate() rejects settings that could exceed it).

#include <cstdint>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "base/random.h"

namespace rtai::ml {

struct FraudGeneratorOptions {
  // Default: 1.
  uint64_t seed = 1;
  // Default: 2000 cards, 400 merchants.
  int num_cards = 2000;
  int num_merchants = 400;
  // Event time of the first transaction. Default: 2023-11-15T00:00:00Z (ms).
  int64_t start_time_ms = 1'700'006'400'000;
  // Mean transactions per second of event time at the daily peak (16:00);
  // the day averages 0.575 of it. Default: 4 (about 200,000 a day).
  double peak_events_per_second = 4;
  // Target fraction of fraudulent transactions. Default: 0.02.
  double fraud_rate = 0.02;
  // Transactions (0-based index) from which the fraud pattern changes.
  // Default: 100000.
  int64_t drift_after_events = 100000;
  // Label event time = transaction time + delay + uniform [0, jitter).
  // Default: 5 minutes, jitter 1 minute (ms).
  int64_t label_delay_ms = 5 * 60 * 1000;
  int64_t label_delay_jitter_ms = 60 * 1000;
  // Default: 1,000,000 labels held back at most.
  int64_t max_pending_labels = 1'000'000;

  absl::Status Validate() const;
};

enum class FraudPattern { kNone, kNightFarBurst, kSmallNewCategory };
// "none", "night_far_burst", "small_new_category".
const char* FraudPatternName(FraudPattern p);

struct Transaction {
  int64_t index = 0;     // 0, 1, 2, ... in event-time order
  std::string event_id;  // "tx-<index, 12 digits>"
  int64_t event_time_ms = 0;
  std::string card_id;      // "card-<5 digits>"
  std::string merchant_id;  // "m-<5 digits>"
  std::string merchant_category;
  double amount = 0;        // currency units, rounded to cents
  double merchant_lat = 0;  // degrees, rounded to 1e-5
  double merchant_lon = 0;
  std::string channel;  // chip | contactless | swipe | online
  // Ground truth (only in the label event's JSON, not the transaction's).
  bool is_fraud = false;
  FraudPattern pattern = FraudPattern::kNone;

  std::string ToJson() const;
};

struct LabelEvent {
  std::string event_id;       // of the transaction
  std::string card_id;        // of the transaction (record key)
  int64_t label_time_ms = 0;  // event time of the label
  int64_t transaction_time_ms = 0;
  bool is_fraud = false;
  FraudPattern pattern = FraudPattern::kNone;

  std::string ToJson() const;
};

struct GeneratedEvent {
  bool is_label = false;
  Transaction transaction;  // when !is_label
  LabelEvent label;         // when is_label
  int64_t event_time_ms() const {
    return is_label ? label.label_time_ms : transaction.event_time_ms;
  }
};

class TransactionGenerator {
 public:
  // `options` must be valid (CHECKed; call Validate() on user input).
  explicit TransactionGenerator(const FraudGeneratorOptions& options);

  // The next event of the merged stream: a due label (label time <= the
  // next transaction's time) or the next transaction. When
  // max_pending_labels are held, the earliest is emitted early instead of
  // holding more. A label always follows its transaction.
  GeneratedEvent Next();
  // Removes and returns all pending labels in label-time order (end of a
  // finite stream).
  std::vector<LabelEvent> DrainLabels();
  int64_t transactions_generated() const { return next_index_; }
  size_t pending_labels() const { return pending_.size(); }

 private:
  struct Card {
    int city;
    double amount_mu, amount_sigma;
    int favourite[3];  // category indices
  };
  struct Merchant {
    int category, city;
    double lat, lon;
  };
  struct LaterLabel {
    bool operator()(const LabelEvent& a, const LabelEvent& b) const {
      return a.label_time_ms > b.label_time_ms;
    }
  };

  Transaction NextTransaction();
  double Gaussian();
  int PickMerchant(int category, int city, bool same_city);
  void MakeLegit(Transaction& t, int card);
  void MakeNightFarBurst(Transaction& t);
  void MakeSmallNewCategory(Transaction& t);
  int64_t AdvanceTime();

  const FraudGeneratorOptions options_;
  Random rng_;
  std::vector<Card> cards_;
  std::vector<Merchant> merchants_;
  // By (category, city); see PickMerchant().
  std::vector<std::vector<int>> merchants_by_category_;
  // Open fraud bursts: (card, transactions left); at most 16.
  std::vector<std::pair<int, int>> bursts_;
  bool drifted_ = false;
  double night_fraud_probability_ = 0;
  double now_ms_ = 0;
  int64_t next_index_ = 0;
  bool have_lookahead_ = false;
  Transaction lookahead_;
  std::priority_queue<LabelEvent, std::vector<LabelEvent>, LaterLabel> pending_;
};

}  // namespace rtai::ml
