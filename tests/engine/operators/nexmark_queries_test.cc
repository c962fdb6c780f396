// The Nexmark query graphs (engine/nexmark/nexmark_queries) compute what
// Nexmark's SQL says: each runs over generated events into a topic and is
// compared, as a multiset of JSON rows, with the same query computed by
// brute force over the generator's rows.
#include "engine/nexmark/nexmark_queries.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/nexmark/nexmark_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/runtime/job_test_util.h"

namespace rtai::engine {
namespace {

using nexmark::NexmarkGenerator;
using G = NexmarkGenerator;

constexpr int64_t kEvents = 120'000;  // 12 s of event time at 10,000 events/s

class NexmarkQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    G gen({});  // the queries' defaults: seed 42, 10,000 events/s
    rows_ = std::make_unique<RowBatch>(G::EventSchema().get());
    for (int64_t i = 0; i < kEvents; ++i) gen.AppendTo(i, rows_.get());
  }

  std::vector<std::string> Run(const std::string& query) {
    testing_util::JobFixture f;
    EXPECT_TRUE(f.client.CreateTopic("out", 1).ok());
    auto json = nexmark::QueryJob(query, kEvents,
                                  R"("operator": "broker_sink", "config": {"topic": "out"})");
    EXPECT_TRUE(json.ok());
    const absl::Status started = f.Start(*json, nullptr, 256);
    EXPECT_TRUE(started.ok()) << started;
    if (!started.ok()) return {};
    EXPECT_EQ(f.runner->Wait(), runtime::RunState::kFinished);
    std::vector<std::string> out = f.Values("out");
    std::sort(out.begin(), out.end());
    return out;
  }

  const Value* Row(int64_t i) const { return rows_->row(i); }
  int64_t Type(int64_t i) const { return Row(i)[G::kEventType].int64(); }
  int64_t Int(int64_t i, int col) const { return Row(i)[col].int64(); }
  int64_t Ts(int64_t i) const { return Row(i)[G::kTs].timestamp_ms(); }

  std::unique_ptr<RowBatch> rows_;
};

TEST_F(NexmarkQueriesTest, Q2SelectsAuctionsDivisibleBy123) {
  std::vector<std::string> want;
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) == 2 && Int(i, G::kAuction) % 123 == 0) {
      want.push_back(absl::StrCat("{\"auction\":", Int(i, G::kAuction), ",\"price\":",
                                  Int(i, G::kPrice), "}"));
    }
  }
  std::sort(want.begin(), want.end());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Run("q2"), want);
}

TEST_F(NexmarkQueriesTest, Q5FindsTheHottestAuctionsOfEachHoppingWindow) {
  // window end -> auction -> bids, for hopping 10 s windows every 2 s.
  std::map<int64_t, std::map<int64_t, int64_t>> counts;
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) != 2) continue;
    const int64_t first_end = (Ts(i) / 2000 + 1) * 2000;
    for (int64_t end = first_end; end < first_end + 10000; end += 2000) {
      ++counts[end][Int(i, G::kAuction)];
    }
  }
  std::vector<std::string> want;
  for (const auto& [end, per_auction] : counts) {
    int64_t max = 0;
    for (const auto& [a, n] : per_auction) max = std::max(max, n);
    for (const auto& [a, n] : per_auction) {
      if (n == max) want.push_back(absl::StrCat("{\"auction\":", a, ",\"num\":", n, "}"));
    }
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Run("q5"), want);
}

TEST_F(NexmarkQueriesTest, Q7FindsTheHighestBidsOfEachTumblingWindow) {
  std::map<int64_t, int64_t> max_price;  // window start -> max
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) != 2) continue;
    int64_t& m = max_price[Ts(i) / 10000 * 10000];
    m = std::max(m, Int(i, G::kPrice));
  }
  std::vector<std::string> want;
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) == 2 && Int(i, G::kPrice) == max_price[Ts(i) / 10000 * 10000]) {
      want.push_back(absl::StrCat("{\"auction\":", Int(i, G::kAuction), ",\"price\":",
                                  Int(i, G::kPrice), ",\"bidder\":", Int(i, G::kBidder),
                                  ",\"ts\":", Ts(i), "}"));
    }
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Run("q7"), want);
}

TEST_F(NexmarkQueriesTest, Q8JoinsNewPersonsWithTheirAuctionsInTheSameWindow) {
  std::set<std::pair<int64_t, int64_t>> sellers;  // (window start, seller)
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) == 1) sellers.insert({Ts(i) / 10000 * 10000, Int(i, G::kSeller)});
  }
  std::vector<std::string> want;
  for (int64_t i = 0; i < kEvents; ++i) {
    if (Type(i) != 0) continue;
    const int64_t start = Ts(i) / 10000 * 10000;
    if (sellers.count({start, Int(i, G::kPersonId)}) > 0) {
      want.push_back(absl::StrCat("{\"id\":", Int(i, G::kPersonId), ",\"name\":\"",
                                  std::string(Row(i)[G::kName].str()), "\",\"starttime\":", start, "}"));
    }
  }
  std::sort(want.begin(), want.end());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Run("q8"), want);
}

TEST(NexmarkQueryJobTest, UnknownQueryIsNotFound) {
  EXPECT_EQ(nexmark::QueryJob("q99", 10, "").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rtai::engine
