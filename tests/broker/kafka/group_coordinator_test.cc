#include "broker/kafka/group/group_coordinator.h"

#include <gtest/gtest.h>

#include <optional>

namespace rtai::kafka {
namespace {

using Protocols = std::vector<std::pair<std::string, std::string>>;

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  GroupCoordinatorTest() : groups_(Options(), &clock_) {}
  static GroupCoordinatorOptions Options() {
    GroupCoordinatorOptions o;
    o.max_members_per_group = 3;
    return o;
  }

  // Starts a join; the result lands in the returned slot when it completes.
  std::shared_ptr<std::optional<JoinGroupResult>> Join(const std::string& member,
                                                       Protocols protocols = {{"range", "md"}},
                                                       const std::string& type = "consumer") {
    auto slot = std::make_shared<std::optional<JoinGroupResult>>();
    JoinGroupRequestData r;
    r.group_id = "g";
    r.member_id = member;
    r.client_id = "c";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 30000;
    r.protocol_type = type;
    r.protocols = std::move(protocols);
    groups_.Join(std::move(r), [slot](JoinGroupResult res) { *slot = std::move(res); });
    return slot;
  }
  std::shared_ptr<std::optional<SyncGroupResult>> Sync(
      const std::string& member, int32_t generation,
      std::vector<std::pair<std::string, std::string>> assignments = {}) {
    auto slot = std::make_shared<std::optional<SyncGroupResult>>();
    groups_.Sync("g", generation, member, std::move(assignments),
                 [slot](SyncGroupResult r) { *slot = std::move(r); });
    return slot;
  }
  // One member joined and synced; returns its id.
  std::string StableSingleMember() {
    auto j = Join("");
    EXPECT_TRUE(j->has_value());
    auto s = Sync((*j)->member_id, (*j)->generation, {{(*j)->member_id, "A"}});
    EXPECT_TRUE(s->has_value() && (*s)->assignment == "A");
    return (*j)->member_id;
  }

  FakeClock clock_;
  GroupCoordinator groups_;
};

TEST_F(GroupCoordinatorTest, FirstMemberBecomesLeaderAndGetsItsAssignment) {
  auto j = Join("", {{"range", "meta"}});
  ASSERT_TRUE(j->has_value());
  EXPECT_EQ((*j)->error, ErrorCode::kNone);
  EXPECT_EQ((*j)->generation, 1);
  EXPECT_EQ((*j)->leader, (*j)->member_id);
  EXPECT_EQ((*j)->protocol_name, "range");
  ASSERT_EQ((*j)->members.size(), 1u);
  EXPECT_EQ((*j)->members[0].second, "meta");
  auto s = Sync((*j)->member_id, 1, {{(*j)->member_id, "parts"}});
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->assignment, "parts");
  EXPECT_EQ(groups_.Heartbeat("g", 1, (*j)->member_id), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, SecondMemberTriggersRebalanceThatWaitsForEveryone) {
  const std::string a = StableSingleMember();
  auto jb = Join("", {{"roundrobin", "b"}, {"range", "b2"}});
  EXPECT_FALSE(jb->has_value());  // waits for a to rejoin
  EXPECT_EQ(groups_.Heartbeat("g", 1, a), ErrorCode::kRebalanceInProgress);
  auto ja = Join(a, {{"range", "a"}, {"roundrobin", "a2"}});
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  EXPECT_EQ((*ja)->generation, 2);
  EXPECT_EQ((*jb)->generation, 2);
  EXPECT_EQ((*ja)->leader, a);  // the leader is kept
  EXPECT_EQ((*ja)->protocol_name, "range");  // the leader's first common choice
  EXPECT_EQ((*ja)->members.size(), 2u);
  EXPECT_TRUE((*jb)->members.empty());
  const std::string b = (*jb)->member_id;
  auto sb = Sync(b, 2);
  EXPECT_FALSE(sb->has_value());  // waits for the leader's assignments
  auto sa = Sync(a, 2, {{a, "pa"}, {b, "pb"}});
  ASSERT_TRUE(sa->has_value() && sb->has_value());
  EXPECT_EQ((*sa)->assignment, "pa");
  EXPECT_EQ((*sb)->assignment, "pb");
  EXPECT_EQ(groups_.Heartbeat("g", 2, b), ErrorCode::kNone);
  EXPECT_EQ(groups_.Heartbeat("g", 1, b), ErrorCode::kIllegalGeneration);
}

TEST_F(GroupCoordinatorTest, MembersThatDoNotRejoinAreDroppedAtTheRebalanceDeadline) {
  const std::string a = StableSingleMember();
  auto jb = Join("");
  // a keeps heartbeating (so its session lives) but never rejoins.
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceMillis(5000);
    EXPECT_EQ(groups_.Heartbeat("g", 1, a), ErrorCode::kRebalanceInProgress);
    groups_.Tick();
  }
  clock_.AdvanceMillis(4999);
  groups_.Tick();
  EXPECT_FALSE(jb->has_value());
  clock_.AdvanceMillis(1);
  groups_.Tick();
  ASSERT_TRUE(jb->has_value());
  EXPECT_EQ((*jb)->generation, 2);
  EXPECT_EQ((*jb)->leader, (*jb)->member_id);
  EXPECT_EQ(groups_.Heartbeat("g", 2, a), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, SessionTimeoutRemovesSilentMembers) {
  const std::string a = StableSingleMember();
  clock_.AdvanceMillis(9000);
  EXPECT_EQ(groups_.Heartbeat("g", 1, a), ErrorCode::kNone);
  clock_.AdvanceMillis(9000);
  groups_.Tick();
  EXPECT_EQ(groups_.Heartbeat("g", 1, a), ErrorCode::kNone);
  clock_.AdvanceMillis(10001);
  groups_.Tick();
  EXPECT_EQ(groups_.Heartbeat("g", 1, a), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, LeaveTriggersRebalanceForTheRest) {
  const std::string a = StableSingleMember();
  auto jb = Join("");
  auto ja = Join(a);
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  ASSERT_TRUE(Sync(a, 2, {})->has_value());
  EXPECT_EQ(groups_.Leave("g", a), ErrorCode::kNone);
  EXPECT_EQ(groups_.Heartbeat("g", 2, (*jb)->member_id), ErrorCode::kRebalanceInProgress);
  auto again = Join((*jb)->member_id);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->generation, 3);
  EXPECT_EQ((*again)->leader, (*jb)->member_id);
  EXPECT_EQ(groups_.Leave("g", "nobody"), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, RejectsBadJoinsAndSyncs) {
  EXPECT_EQ((*Join("ghost"))->error, ErrorCode::kUnknownMemberId);
  JoinGroupRequestData bad;
  bad.group_id = "g";
  bad.session_timeout_ms = 10;
  bad.protocol_type = "consumer";
  bad.protocols = {{"range", ""}};
  std::optional<JoinGroupResult> r;
  groups_.Join(bad, [&](JoinGroupResult res) { r = res; });
  EXPECT_EQ(r->error, ErrorCode::kInvalidSessionTimeout);
  bad.group_id = "";
  bad.session_timeout_ms = 10000;
  groups_.Join(bad, [&](JoinGroupResult res) { r = res; });
  EXPECT_EQ(r->error, ErrorCode::kInvalidGroupId);

  const std::string a = StableSingleMember();
  EXPECT_EQ((*Join("", {{"range", ""}}, "connect"))->error, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ((*Join("", {{"sticky", ""}}))->error, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ((*Sync(a, 7))->error, ErrorCode::kIllegalGeneration);
  EXPECT_EQ((*Sync("ghost", 1))->error, ErrorCode::kUnknownMemberId);
  Join("");
  Join("");
  EXPECT_EQ((*Join(""))->error, ErrorCode::kGroupMaxSizeReached);
}

TEST_F(GroupCoordinatorTest, OffsetsCommitAndFetch) {
  using TP = GroupCoordinator::TopicPartition;
  EXPECT_EQ(groups_.CommitOffsets("g", -1, "", {{TP{"t", 0}, {42, "m"}}, {TP{"t", 1}, {7, ""}}}),
            ErrorCode::kNone);
  auto got = groups_.FetchOffsets("g", std::vector<TP>{{"t", 1}, {"t", 9}, {"u", 0}});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].second.offset, 7);
  EXPECT_EQ(got[1].second.offset, -1);
  EXPECT_EQ(got[2].second.offset, -1);
  auto all = groups_.FetchOffsets("g", std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].second.offset, 42);
  EXPECT_EQ(all[0].second.metadata, "m");
  EXPECT_TRUE(groups_.FetchOffsets("other", std::nullopt).empty());

  // With members, commits must come from a member of the current generation.
  const std::string a = StableSingleMember();
  EXPECT_EQ(groups_.CommitOffsets("g", -1, "", {{TP{"t", 0}, {1, ""}}}),
            ErrorCode::kUnknownMemberId);
  EXPECT_EQ(groups_.CommitOffsets("g", 5, a, {{TP{"t", 0}, {1, ""}}}),
            ErrorCode::kIllegalGeneration);
  EXPECT_EQ(groups_.CommitOffsets("g", 1, a, {{TP{"t", 0}, {43, ""}}}), ErrorCode::kNone);
  EXPECT_EQ(groups_.FetchOffsets("g", std::vector<TP>{{"t", 0}})[0].second.offset, 43);
  // Offsets outlive the members.
  clock_.AdvanceMillis(60000);
  groups_.Tick();
  EXPECT_EQ(groups_.FetchOffsets("g", std::vector<TP>{{"t", 0}})[0].second.offset, 43);
}

TEST_F(GroupCoordinatorTest, CommitsFollowKafkaDuringARebalance) {
  using TP = GroupCoordinator::TopicPartition;
  const std::string a = StableSingleMember();
  auto jb = Join("");  // PreparingRebalance: a has not rejoined yet
  EXPECT_FALSE(jb->has_value());
  // a still holds generation 1 and commits what it processed before rejoining.
  EXPECT_EQ(groups_.CommitOffsets("g", 1, a, {{TP{"t", 0}, {10, ""}}}), ErrorCode::kNone);
  EXPECT_EQ(groups_.CommitOffsets("g", 0, a, {{TP{"t", 0}, {11, ""}}}),
            ErrorCode::kIllegalGeneration);
  auto ja = Join(a);
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  // CompletingRebalance (joined, not synced): the assignment is in flux.
  EXPECT_EQ(groups_.CommitOffsets("g", 2, a, {{TP{"t", 0}, {12, ""}}}),
            ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(groups_.FetchOffsets("g", std::vector<TP>{{"t", 0}})[0].second.offset, 10);
}

TEST_F(GroupCoordinatorTest, DescribeAndListFollowTheRebalance) {
  EXPECT_TRUE(groups_.ListGroups().empty());
  EXPECT_EQ(groups_.DescribeGroup("g").state, "Dead");
  const std::string first = StableSingleMember();
  GroupDescription d = groups_.DescribeGroup("g");
  EXPECT_EQ(d.state, "Stable");
  EXPECT_EQ(d.protocol_type, "consumer");
  EXPECT_EQ(d.protocol_name, "range");
  ASSERT_EQ(d.members.size(), 1u);
  EXPECT_EQ(d.members[0].member_id, first);
  EXPECT_EQ(d.members[0].client_id, "c");
  EXPECT_EQ(d.members[0].metadata, "md");
  EXPECT_EQ(d.members[0].assignment, "A");

  // A second member starts a rebalance: no protocol or assignment reported.
  auto second = Join("");
  EXPECT_FALSE(second->has_value());
  d = groups_.DescribeGroup("g");
  EXPECT_EQ(d.state, "PreparingRebalance");
  EXPECT_EQ(d.protocol_name, "");
  ASSERT_EQ(d.members.size(), 2u);
  EXPECT_EQ(d.members[0].assignment, "");
  EXPECT_EQ(d.members[1].metadata, "");

  std::vector<GroupListing> listed = groups_.ListGroups();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].group_id, "g");
  EXPECT_EQ(listed[0].protocol_type, "consumer");
  EXPECT_EQ(listed[0].state, "PreparingRebalance");
}

}  // namespace
}  // namespace rtai::kafka
