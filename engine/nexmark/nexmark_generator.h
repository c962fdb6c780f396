#pragma once
// NexmarkGenerator: the Nexmark benchmark's event stream (after the
// nexmark/nexmark project used by Flink; facts in docs/PERFORMANCE.md), as
// flat rows of one schema so one stream carries the mix. Event i is a Person
// when i % 50 == 0, an Auction when i % 50 is 1..3, else a Bid (2% / 6% /
// 92%); event time = base + i * 1000 / events_per_second ms; ids start at
// 1000; bids go to a hot auction and a hot bidder with probability 99/100,
// auctions to a hot seller likewise (hot ratio 100), otherwise to a recent
// one. Every event is a pure function of (seed, i): any subset of event
// numbers can be generated in any order (parallel subtasks, restarts).
// Thread-safe (AppendTo is const).

#include <cstdint>
#include <memory>

#include "engine/record/schema.h"
#include "engine/record/row_batch.h"

namespace rtai::engine::nexmark {

enum class EventType : int64_t { kPerson = 0, kAuction = 1, kBid = 2 };

struct GeneratorConfig {
  uint64_t seed = 42;
  int64_t base_time_ms = 1'700'000'000'000;
  int64_t events_per_second = 10'000;  // of event time
};

class NexmarkGenerator {
 public:
  static constexpr int64_t kFirstId = 1000;
  static constexpr int64_t kHotRatio = 100;
  static constexpr int64_t kActivePeople = 1000;
  static constexpr int64_t kInFlightAuctions = 100;

  // Column indexes of Schema().
  enum Column : int {
    kEventType, kPersonId, kName, kEmail, kCreditCard, kCity, kState,
    kAuctionId, kItemName, kDescription, kInitialBid, kReserve, kExpires, kSeller, kCategory,
    kAuction, kBidder, kPrice, kChannel, kUrl, kTs, kColumnCount
  };

  explicit NexmarkGenerator(GeneratorConfig config) : config_(config) {}

  // event_type int64; person_id, name, email, credit_card, city, state;
  // auction_id, item_name, description, initial_bid, reserve, expires,
  // seller, category; auction, bidder, price, channel, url (the bid's);
  // ts timestamp. Columns of the other event types are null.
  static std::shared_ptr<const Schema> EventSchema();

  static EventType TypeOf(int64_t i);
  int64_t TimestampOf(int64_t i) const;

  // Appends event `i` as a row of `rows` (whose schema is EventSchema());
  // its strings go into the batch's arena. Returns the event time (ms).
  int64_t AppendTo(int64_t i, RowBatch* rows) const;

 private:
  GeneratorConfig config_;
};

}  // namespace rtai::engine::nexmark
