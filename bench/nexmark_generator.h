#pragma once
// A deterministic Nexmark event generator (after nexmark/nexmark, see
// /work/shared/REFERENCES.md): event i is a Person if i % 50 == 0, an Auction
// if i % 50 is 1..3, else a Bid (1 : 3 : 46); event time = base + i *
// interval; ids start at 1000; bids go to a hot auction / hot bidder with
// probability 99/100 (hot ratio 100). Events are JSON objects with a `type`
// member ("person" | "auction" | "bid") so one topic carries the mix.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/random.h"

namespace rtai::bench {

class NexmarkGenerator {
 public:
  static constexpr int64_t kFirstId = 1000;
  static constexpr int64_t kHotRatio = 100;

  NexmarkGenerator(uint64_t seed, int64_t base_time_ms, int64_t events_per_ms)
      : random_(seed), base_ms_(base_time_ms), per_ms_(events_per_ms) {}

  // The JSON of event `i` (call with i = 0, 1, 2, ...).
  std::string Event(int64_t i) {
    const int64_t ts = base_ms_ + i / per_ms_;
    const int64_t slot = i % 50;
    if (slot == 0) {
      const int64_t id = kFirstId + persons_++;
      return absl::StrCat("{\"type\":\"person\",\"id\":", id, ",\"name\":\"p", id,
                          "\",\"city\":\"c", id % 17, "\",\"ts\":", ts, "}");
    }
    if (slot <= 3) {
      const int64_t id = kFirstId + auctions_++;
      const int64_t seller = kFirstId + static_cast<int64_t>(random_.Uniform(persons_ + 1));
      return absl::StrCat("{\"type\":\"auction\",\"id\":", id, ",\"seller\":", seller,
                          ",\"category\":", 10 + id % 5, ",\"initial_bid\":", 100 + id % 1000,
                          ",\"ts\":", ts, "}");
    }
    const int64_t auctions = std::max<int64_t>(auctions_, 1);
    const int64_t persons = std::max<int64_t>(persons_, 1);
    const int64_t auction =
        random_.Uniform(kHotRatio) != 0
            ? kFirstId + (auctions - 1) / kHotRatio * kHotRatio
            : kFirstId + static_cast<int64_t>(random_.Uniform(auctions));
    const int64_t bidder =
        random_.Uniform(kHotRatio) != 0
            ? kFirstId + (persons - 1) / kHotRatio * kHotRatio + 1
            : kFirstId + static_cast<int64_t>(random_.Uniform(persons));
    const int64_t price = 100 + static_cast<int64_t>(random_.Uniform(10000));
    return absl::StrCat("{\"type\":\"bid\",\"auction\":", auction, ",\"bidder\":", bidder,
                        ",\"price\":", price, ",\"channel\":\"",
                        kChannels[random_.Uniform(4)], "\",\"url\":\"https://x/", i % 1000,
                        "\",\"ts\":", ts, "}");
  }

 private:
  static constexpr const char* kChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
  Random random_;
  int64_t base_ms_;
  int64_t per_ms_;
  int64_t persons_ = 0;
  int64_t auctions_ = 0;
};

}  // namespace rtai::bench
