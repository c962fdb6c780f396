// BrokerGroupOffsets (engine::io::GroupOffsets over the Kafka group
// coordinator and __consumer_offsets): commits are durable (a new
// coordinator loading the topic sees them), Kafka members' commits are what
// Fetch returns, a group with active members refuses standalone commits and
// nothing is written, unattached calls fail cleanly, bad input is rejected.
#include "cli/broker_group_offsets.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/kafka/memory_broker.h"

namespace rtai::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using TP = kafka::GroupCoordinator::TopicPartition;

class BrokerGroupOffsetsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store_.Load(&groups_).ok()); }

  // A consumer joins `group` and syncs (and stays): returns its member id and generation.
  std::pair<std::string, int32_t> JoinMember(const std::string& group) {
    std::optional<kafka::JoinGroupResult> joined;
    kafka::JoinGroupRequestData r;
    r.group_id = group;
    r.client_id = "c";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 30000;
    r.protocol_type = "consumer";
    r.protocols = {{"range", "md"}};
    groups_.Join(std::move(r), [&](kafka::JoinGroupResult res) { joined = std::move(res); });
    EXPECT_TRUE(joined.has_value() && joined->error == kafka::ErrorCode::kNone);
    std::optional<kafka::SyncGroupResult> synced;
    groups_.Sync(group, joined->generation, joined->member_id, {{joined->member_id, "A"}},
                 [&](kafka::SyncGroupResult res) { synced = std::move(res); });
    EXPECT_TRUE(synced.has_value() && synced->error == kafka::ErrorCode::kNone);
    return {joined->member_id, joined->generation};
  }

  kafka::testing::MemoryBroker broker_;
  FakeClock clock_;
  kafka::GroupCoordinator groups_{kafka::GroupCoordinatorOptions{}, &clock_};
  kafka::OffsetStore store_{&broker_, &clock_};
  BrokerGroupOffsets offsets_;
};

TEST_F(BrokerGroupOffsetsTest, UnattachedCallsFailWithAClearError) {
  auto f = offsets_.Fetch("g", "t", {0});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(f.status().message(), HasSubstr("--kafka-listen"));
  EXPECT_EQ(offsets_.Commit("g", "t", {{0, 1}}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BrokerGroupOffsetsTest, CommitsAreDurableAndSharedWithKafkaClients) {
  offsets_.Attach(&groups_, &store_);
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0, 1}), ElementsAre(-1, -1));
  ASSERT_TRUE(offsets_.Commit("g", "t", {{0, 5}, {1, 7}}).ok());
  // What OffsetFetch answers a Kafka client:
  auto fetched = groups_.FetchOffsets("g", std::vector<TP>{{"t", 0}, {"t", 1}});
  EXPECT_EQ(fetched[0].second.offset, 5);
  EXPECT_EQ(fetched[1].second.offset, 7);
  // A restart: a new coordinator replays __consumer_offsets.
  kafka::GroupCoordinator restored(kafka::GroupCoordinatorOptions{}, &clock_);
  kafka::OffsetStore store(&broker_, &clock_);
  ASSERT_EQ(*store.Load(&restored), 2);
  BrokerGroupOffsets after;
  after.Attach(&restored, &store);
  EXPECT_THAT(*after.Fetch("g", "t", {1, 0, 2}), ElementsAre(7, 5, -1));
}

TEST_F(BrokerGroupOffsetsTest, GroupWithActiveMembersRefusesStandaloneCommits) {
  offsets_.Attach(&groups_, &store_);
  auto [member, generation] = JoinMember("g");
  // The member's own commit (OffsetCommit with its generation) is what the
  // engine then reads.
  ASSERT_EQ(groups_.CommitOffsets("g", generation, member, {{TP("t", 0), {3, ""}}}),
            kafka::ErrorCode::kNone);
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0}), ElementsAre(3));
  const absl::Status s = offsets_.Commit("g", "t", {{0, 9}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("has active members"));
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0}), ElementsAre(3));
  kafka::GroupCoordinator restored(kafka::GroupCoordinatorOptions{}, &clock_);
  EXPECT_EQ(*kafka::OffsetStore(&broker_, &clock_).Load(&restored), 0);  // nothing written
  // Once the member leaves, the commit goes through.
  ASSERT_EQ(groups_.Leave("g", member), kafka::ErrorCode::kNone);
  ASSERT_TRUE(offsets_.Commit("g", "t", {{0, 9}}).ok());
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0}), ElementsAre(9));
}

TEST_F(BrokerGroupOffsetsTest, WithoutAStoreCommitsStayInMemory) {
  offsets_.Attach(&groups_, nullptr);
  ASSERT_TRUE(offsets_.Commit("g", "t", {{0, 4}}).ok());
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0}), ElementsAre(4));
  kafka::GroupCoordinator restored(kafka::GroupCoordinatorOptions{}, &clock_);
  EXPECT_EQ(*kafka::OffsetStore(&broker_, &clock_).Load(&restored), 0);
}

TEST_F(BrokerGroupOffsetsTest, RejectsBadInput) {
  offsets_.Attach(&groups_, &store_);
  EXPECT_EQ(offsets_.Commit("", "t", {{0, 1}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(offsets_.Commit("g", "t", {{0, 1}, {1, -2}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(offsets_.Fetch("", "t", {0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(*offsets_.Fetch("g", "t", {0, 1}), ElementsAre(-1, -1));  // nothing half-applied
}

}  // namespace
}  // namespace rtai::cli
