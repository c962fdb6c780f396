// librdkafka C++ API (Debian's librdkafka++) against a real rtaid: keyed
// produce/consume with Kafka's partitioner, a consumer group of three that
// rebalances when a member leaves, and committed offsets that survive a
// consumer restart and an rtaid restart (SIGTERM and SIGKILL).

#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/crash/rtaid_process.h"
#include "tests/interop/rdkafka_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::testing {
namespace {

// Generous: a loaded 2-core machine runs these next to builds.
constexpr absl::Duration kWait = absl::Seconds(90);
constexpr absl::Duration kPoll = absl::Milliseconds(200);

class RdKafkaCppTest : public ::testing::Test {
 protected:
  RdKafkaCppTest()
      : rtaid_(RTAID_BINARY, dir_.path() + "/data", dir_.path() + "/rtaid.log") {}

  // Starts rtaid with `partitions` per auto-created topic; returns the
  // bootstrap address of its Kafka listener.
  std::string StartRtaid(int partitions) {
    const absl::Status s = rtaid_.Start(
        "127.0.0.1:0", {"--kafka-num-partitions", absl::StrCat(partitions)},
        absl::Seconds(60));
    EXPECT_TRUE(s.ok()) << s;
    const std::string port = KafkaPortFromLog(dir_.path() + "/rtaid.log");
    EXPECT_FALSE(port.empty());
    return absl::StrCat("127.0.0.1:", port);
  }

  TempDir dir_;
  RtaidProcess rtaid_;
};

std::string Key(const Record& r) {
  return absl::StrCat(r.partition, "@", r.offset);
}

TEST_F(RdKafkaCppTest, KeyedProduceConsumeMatchesMurmur2Placement) {
  constexpr int kPartitions = 4;
  constexpr int kRecords = 200;
  const std::string bootstrap = StartRtaid(kPartitions);
  std::vector<std::string> errors;
  const std::vector<Record> delivered =
      ProduceKeyed(bootstrap, "orders", 0, kRecords, &errors);
  ASSERT_TRUE(errors.empty()) << absl::StrJoin(errors, "; ");
  ASSERT_EQ(delivered.size(), static_cast<size_t>(kRecords));

  std::map<std::string, Record> by_position;  // "partition@offset" -> record
  std::set<int32_t> used_partitions;
  for (const Record& r : delivered) {
    EXPECT_EQ(r.partition, KafkaPartitionForKey(r.key, kPartitions)) << r.key;
    EXPECT_EQ(r.value, "value-" + r.key.substr(4));
    EXPECT_TRUE(by_position.emplace(Key(r), r).second) << Key(r);
    used_partitions.insert(r.partition);
  }
  EXPECT_EQ(used_partitions.size(), static_cast<size_t>(kPartitions));

  auto consumer = MakeConsumer(bootstrap, "readers", "orders");
  std::map<int32_t, int64_t> next_offset;
  int consumed = 0;
  const absl::Time deadline = absl::Now() + kWait;
  while (consumed < kRecords && absl::Now() < deadline) {
    Record r;
    if (!PollOne(consumer.get(), kPoll, false, &r, &errors)) continue;
    ++consumed;
    auto it = by_position.find(Key(r));
    ASSERT_NE(it, by_position.end()) << "unexpected record " << Key(r);
    EXPECT_EQ(r.key, it->second.key);
    EXPECT_EQ(r.value, it->second.value);
    // Each partition is read in order from offset 0 without gaps.
    EXPECT_EQ(r.offset, next_offset[r.partition]) << Key(r);
    next_offset[r.partition] = r.offset + 1;
  }
  consumer->close();
  EXPECT_TRUE(errors.empty()) << absl::StrJoin(errors, "; ");
  EXPECT_EQ(consumed, kRecords);
}

// True when the members' assignments are non-empty, pairwise disjoint and
// together cover partitions [0, partitions).
bool CoversDisjointly(const std::vector<std::set<int32_t>>& assignments,
                      int partitions) {
  std::set<int32_t> all;
  size_t total = 0;
  for (const auto& a : assignments) {
    if (a.empty()) return false;
    total += a.size();
    all.insert(a.begin(), a.end());
  }
  return total == all.size() && all.size() == static_cast<size_t>(partitions) &&
         *all.begin() == 0 && *all.rbegin() == partitions - 1;
}

using Consumers = std::vector<std::unique_ptr<RdKafka::KafkaConsumer>>;

// Polls every member round-robin until the assignments have covered the
// topic disjointly, unchanged, for 2 seconds (so a transient mix of
// generations is not mistaken for the settled group); returns the last
// assignments seen.
std::vector<std::set<int32_t>> WaitForCover(Consumers& members, int partitions,
                                            std::vector<std::string>* errors) {
  std::vector<std::set<int32_t>> assignments(members.size());
  std::vector<std::set<int32_t>> stable;
  absl::Time stable_since = absl::InfiniteFuture();
  const absl::Time deadline = absl::Now() + kWait;
  while (absl::Now() < deadline) {
    for (size_t i = 0; i < members.size(); ++i) {
      Record r;
      if (PollOne(members[i].get(), absl::Milliseconds(50), true, &r, errors)) {
        errors->push_back("record consumed while the topic is idle: " + Key(r));
      }
      assignments[i] = Assignment(members[i].get());
    }
    if (!CoversDisjointly(assignments, partitions)) {
      stable.clear();
      continue;
    }
    if (assignments != stable) {
      stable = assignments;
      stable_since = absl::Now();
    } else if (absl::Now() - stable_since >= absl::Seconds(2)) {
      return assignments;
    }
  }
  return {};
}

// Consumes with every member (committing each record) until `target`
// records arrived in total, then polls 2 more seconds to catch duplicates.
// Records per member go to `seen[i]`.
void ConsumeAll(Consumers& members, size_t target,
                std::vector<std::vector<Record>>* seen,
                std::vector<std::string>* errors) {
  const auto total = [&] {
    size_t n = 0;
    for (const auto& s : *seen) n += s.size();
    return n;
  };
  absl::Time deadline = absl::Now() + kWait;
  bool draining = false;
  while (absl::Now() < deadline) {
    for (size_t i = 0; i < members.size(); ++i) {
      Record r;
      if (PollOne(members[i].get(), absl::Milliseconds(50), true, &r, errors)) {
        (*seen)[i].push_back(r);
      }
    }
    if (!draining && total() >= target) {
      draining = true;
      deadline = absl::Now() + absl::Seconds(2);
    }
  }
}

TEST_F(RdKafkaCppTest, GroupOfThreeRebalancesWhenAMemberLeaves) {
  constexpr int kPartitions = 6;
  constexpr int kBatch = 300;
  const std::string bootstrap = StartRtaid(kPartitions);
  ASSERT_EQ(CreateTopicViaMetadata(bootstrap, "events"), kPartitions);

  std::vector<std::string> errors;
  Consumers members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(MakeConsumer(bootstrap, "workers", "events"));
  }
  const auto three = WaitForCover(members, kPartitions, &errors);
  ASSERT_TRUE(CoversDisjointly(three, kPartitions))
      << absl::StrJoin(errors, "; ");

  // The group is stable: records produced now are consumed exactly once.
  std::vector<Record> produced =
      ProduceKeyed(bootstrap, "events", 0, kBatch, &errors);
  ASSERT_EQ(produced.size(), static_cast<size_t>(kBatch))
      << absl::StrJoin(errors, "; ");
  std::vector<std::vector<Record>> seen(3);
  ConsumeAll(members, kBatch, &seen, &errors);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(seen[i].empty()) << "member " << i << " read nothing";
    for (const Record& r : seen[i]) {
      EXPECT_EQ(three[i].count(r.partition), 1u)
          << "member " << i << " read unassigned " << Key(r);
    }
  }

  // Member 2 leaves; its partitions move to the two others, which resume at
  // its committed offsets.
  members[2]->close();
  std::vector<Record> leaver_seen = std::move(seen[2]);
  members.pop_back();
  seen.resize(2);
  const auto two = WaitForCover(members, kPartitions, &errors);
  ASSERT_TRUE(CoversDisjointly(two, kPartitions))
      << absl::StrJoin(errors, "; ");
  EXPECT_EQ(two[0].size() + two[1].size(), static_cast<size_t>(kPartitions));

  std::vector<Record> second =
      ProduceKeyed(bootstrap, "events", kBatch, kBatch, &errors);
  ASSERT_EQ(second.size(), static_cast<size_t>(kBatch))
      << absl::StrJoin(errors, "; ");
  produced.insert(produced.end(), second.begin(), second.end());
  std::vector<std::vector<Record>> after(2);
  ConsumeAll(members, kBatch, &after, &errors);
  for (auto& m : members) m->close();
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(after[i].empty()) << "member " << i << " read nothing";
    for (const Record& r : after[i]) {
      EXPECT_EQ(two[i].count(r.partition), 1u)
          << "member " << i << " read unassigned " << Key(r);
    }
  }
  EXPECT_TRUE(errors.empty()) << absl::StrJoin(errors, "; ");

  // Exactly once across the group, and what was produced.
  std::map<std::string, std::string> consumed;  // position -> key
  std::vector<Record> all = leaver_seen;
  for (const auto* v : {&seen[0], &seen[1], &after[0], &after[1]}) {
    all.insert(all.end(), v->begin(), v->end());
  }
  for (const Record& r : all) {
    EXPECT_TRUE(consumed.emplace(Key(r), r.key).second)
        << "consumed twice: " << Key(r);
  }
  ASSERT_EQ(consumed.size(), produced.size());
  for (const Record& p : produced) EXPECT_EQ(consumed[Key(p)], p.key);
}

// Consumes records of the single-partition topic `topic` in `group` until
// offset `until` (exclusive), committing each; expects to start at `from`.
void ResumeAndConsume(const std::string& bootstrap, const std::string& topic,
                      int64_t from, int64_t until) {
  SCOPED_TRACE(absl::StrCat("resume at ", from, " until ", until));
  auto consumer = MakeConsumer(bootstrap, "resumers", topic);
  std::vector<std::string> errors;
  int64_t expected = from;
  const absl::Time deadline = absl::Now() + kWait;
  while (expected < until && absl::Now() < deadline) {
    Record r;
    if (!PollOne(consumer.get(), kPoll, true, &r, &errors)) continue;
    ASSERT_EQ(r.partition, 0);
    ASSERT_EQ(r.offset, expected) << "repeat or gap";
    EXPECT_EQ(r.key, absl::StrCat("key-", expected));
    ++expected;
  }
  consumer->close();
  EXPECT_EQ(expected, until);
  EXPECT_TRUE(errors.empty()) << absl::StrJoin(errors, "; ");
}

TEST_F(RdKafkaCppTest, CommittedOffsetsSurviveConsumerAndRtaidRestarts) {
  std::string bootstrap = StartRtaid(1);
  std::vector<std::string> errors;
  const std::vector<Record> produced =
      ProduceKeyed(bootstrap, "ledger", 0, 100, &errors);
  ASSERT_EQ(produced.size(), 100u) << absl::StrJoin(errors, "; ");

  ResumeAndConsume(bootstrap, "ledger", 0, 40);
  ResumeAndConsume(bootstrap, "ledger", 40, 60);

  // Graceful restart on the same data directory.
  const int term = rtaid_.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(term) && WEXITSTATUS(term) == 0) << term;
  bootstrap = StartRtaid(1);
  ResumeAndConsume(bootstrap, "ledger", 60, 80);

  // Crash: commits were acknowledged only once durable.
  rtaid_.Stop(SIGKILL);
  bootstrap = StartRtaid(1);
  ResumeAndConsume(bootstrap, "ledger", 80, 100);
}

}  // namespace
}  // namespace rtai::testing
