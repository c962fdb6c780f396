#include "engine/nexmark/nexmark_generator.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/random.h"

namespace rtai::engine::nexmark {
namespace {

constexpr int64_t kMix = 50;  // 1 person, 3 auctions, 46 bids per 50 events
constexpr absl::string_view kChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
constexpr absl::string_view kStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr absl::string_view kCities[] = {"Phoenix", "Los Angeles", "San Francisco", "Boise",
                                        "Portland", "Bend", "Redmond", "Seattle", "Kent",
                                        "Cheyenne"};
constexpr absl::string_view kFirstNames[] = {"Peter", "Paul", "Luke", "John", "Saul",
                                            "Vicky", "Kate", "Julie", "Sarah", "Deiter",
                                            "Walter"};
constexpr absl::string_view kLastNames[] = {"Shultz", "Abrams", "Spencer", "White",
                                           "Bartels", "Walton", "Smith", "Jones", "Noris"};

std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

template <size_t N>
absl::string_view Pick(const absl::string_view (&options)[N], Random& r) {
  return options[r.Uniform(N)];
}

// Nexmark's price distribution: 100 * 10^(6u), u uniform in [0, 1).
int64_t NextPrice(Random& r) { return std::llround(std::pow(10.0, r.NextDouble() * 6.0) * 100.0); }

// The id of a recent entity among the last `window` of `count` created, or
// the hot one (every kHotRatio-th) with probability (kHotRatio-1)/kHotRatio.
int64_t HotOrRecent(Random& r, int64_t count, int64_t window, int64_t hot_offset) {
  using G = NexmarkGenerator;
  if (r.Uniform(G::kHotRatio) != 0) {
    return G::kFirstId + (count - 1) / G::kHotRatio * G::kHotRatio + hot_offset;
  }
  const int64_t span = std::min(count, window);
  return G::kFirstId + count - 1 - static_cast<int64_t>(r.Uniform(span));
}

}  // namespace

std::shared_ptr<const Schema> NexmarkGenerator::EventSchema() {
  static const auto* schema = [] {
    using T = TypeId;
    absl::StatusOr<Schema> s = Schema::Create({
        {"event_type", T::kInt64},  {"person_id", T::kInt64},  {"name", T::kString},
        {"email", T::kString},      {"credit_card", T::kString}, {"city", T::kString},
        {"state", T::kString},      {"auction_id", T::kInt64}, {"item_name", T::kString},
        {"description", T::kString}, {"initial_bid", T::kInt64}, {"reserve", T::kInt64},
        {"expires", T::kTimestamp}, {"seller", T::kInt64},     {"category", T::kInt64},
        {"auction", T::kInt64},     {"bidder", T::kInt64},     {"price", T::kInt64},
        {"channel", T::kString},    {"url", T::kString},       {"ts", T::kTimestamp},
    });
    CHECK_OK(s.status());
    return new std::shared_ptr<const Schema>(std::make_shared<const Schema>(*std::move(s)));
  }();
  return *schema;
}

EventType NexmarkGenerator::TypeOf(int64_t i) {
  const int64_t slot = i % kMix;
  if (slot == 0) return EventType::kPerson;
  return slot <= 3 ? EventType::kAuction : EventType::kBid;
}

int64_t NexmarkGenerator::TimestampOf(int64_t i) const {
  // i * 1000 / rate without overflow for any i below 2^53.
  const int64_t rate = config_.events_per_second;
  return config_.base_time_ms + (i / rate) * 1000 + (i % rate) * 1000 / rate;
}

int64_t NexmarkGenerator::AppendTo(int64_t i, RowBatch* rows) const {
  DCHECK(rows->num_columns() == kColumnCount);
  Random r(config_.seed ^ (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull));
  const int64_t ts = TimestampOf(i);
  const int64_t epoch = i / kMix, slot = i % kMix;
  // Entities created before event i (the person of this epoch comes first).
  const int64_t persons = epoch + (slot > 0 ? 1 : 0);
  const int64_t auctions = epoch * 3 + std::min<int64_t>(std::max<int64_t>(slot - 1, 0), 3);
  Value* row = rows->AddRow();
  row[kTs] = Value::Timestamp(ts);
  const auto str = [rows](std::string_view s) { return Value::String(rows->CopyBytes(s)); };
  switch (TypeOf(i)) {
    case EventType::kPerson: {
      const int64_t id = kFirstId + epoch;
      row[kEventType] = Value::Int64(static_cast<int64_t>(EventType::kPerson));
      row[kPersonId] = Value::Int64(id);
      const std::string name = absl::StrCat(Pick(kFirstNames, r), " ", Pick(kLastNames, r));
      row[kName] = str(name);
      row[kEmail] = str(absl::StrCat(absl::string_view(name.data(), name.find(' ')), id,
                                     "@example.com"));
      row[kCreditCard] = str(absl::StrCat(1000 + r.Uniform(9000), " ", 1000 + r.Uniform(9000),
                                          " ", 1000 + r.Uniform(9000), " ",
                                          1000 + r.Uniform(9000)));
      row[kCity] = Value::String(Std(Pick(kCities, r)));
      row[kState] = Value::String(Std(Pick(kStates, r)));
      break;
    }
    case EventType::kAuction: {
      const int64_t id = kFirstId + auctions;
      row[kEventType] = Value::Int64(static_cast<int64_t>(EventType::kAuction));
      row[kAuctionId] = Value::Int64(id);
      row[kItemName] = str(absl::StrCat("item-", id));
      row[kDescription] = str(absl::StrCat("description of item ", id));
      const int64_t initial = NextPrice(r);
      row[kInitialBid] = Value::Int64(initial);
      row[kReserve] = Value::Int64(initial + NextPrice(r));
      row[kExpires] = Value::Timestamp(ts + 10'000 + static_cast<int64_t>(r.Uniform(100'000)));
      row[kSeller] = Value::Int64(HotOrRecent(r, persons, kActivePeople, 0));
      row[kCategory] = Value::Int64(10 + static_cast<int64_t>(r.Uniform(5)));
      break;
    }
    case EventType::kBid: {
      row[kEventType] = Value::Int64(static_cast<int64_t>(EventType::kBid));
      row[kAuction] = Value::Int64(HotOrRecent(r, auctions, kInFlightAuctions, 0));
      row[kBidder] = Value::Int64(HotOrRecent(r, persons, kActivePeople, 1));
      row[kPrice] = Value::Int64(NextPrice(r));
      const absl::string_view channel = Pick(kChannels, r);
      row[kChannel] = Value::String(Std(channel));
      row[kUrl] = str(absl::StrCat("https://www.nexmark.com/", channel, "/item.htm?query=",
                                   i % 1000));
      break;
    }
  }
  return ts;
}

}  // namespace rtai::engine::nexmark
