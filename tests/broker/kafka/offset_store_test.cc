#include "broker/kafka/group/offset_store.h"

#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "broker/log/record_batch.h"
#include "tests/broker/kafka/memory_broker.h"

namespace rtai::kafka {
namespace {

using TP = GroupCoordinator::TopicPartition;

absl::Status AppendAndWait(OffsetStore& store, const std::string& group,
                           const OffsetStore::Offsets& offsets) {
  absl::Notification done;
  absl::Status status;
  store.Append(group, offsets, [&](absl::Status s) {
    status = s;
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

TEST(OffsetStoreTest, RecordsRoundTripAndGarbageIsRejected) {
  const std::string key = OffsetStore::EncodeKey("group", {"topic", 7});
  const std::string value = OffsetStore::EncodeValue({1234, "meta"});
  std::string group;
  TP tp;
  CommittedOffset c;
  ASSERT_TRUE(OffsetStore::Decode(key, value, &group, &tp, &c));
  EXPECT_EQ(group, "group");
  EXPECT_EQ(tp, TP("topic", 7));
  EXPECT_EQ(c.offset, 1234);
  EXPECT_EQ(c.metadata, "meta");
  EXPECT_FALSE(OffsetStore::Decode(key.substr(0, key.size() - 1), value, &group, &tp, &c));
  EXPECT_FALSE(OffsetStore::Decode(key + "x", value, &group, &tp, &c));
  EXPECT_FALSE(OffsetStore::Decode(key, value.substr(0, 5), &group, &tp, &c));
  std::string other_version = key;
  other_version[1] = 9;
  EXPECT_FALSE(OffsetStore::Decode(other_version, value, &group, &tp, &c));
  EXPECT_FALSE(OffsetStore::Decode("", "", &group, &tp, &c));
}

TEST(OffsetStoreTest, CommitsSurviveARestart) {
  testing::MemoryBroker broker;
  FakeClock clock;
  {
    GroupCoordinator groups(GroupCoordinatorOptions{}, &clock);
    OffsetStore store(&broker, &clock);
    ASSERT_EQ(*store.Load(&groups), 0);
    ASSERT_TRUE(AppendAndWait(store, "g", {{TP("t", 0), {10, "a"}}, {TP("t", 1), {20, ""}}}).ok());
    ASSERT_TRUE(AppendAndWait(store, "g", {{TP("t", 0), {11, "b"}}}).ok());
    ASSERT_TRUE(AppendAndWait(store, "h", {{TP("u", 3), {5, ""}}}).ok());
  }
  GroupCoordinator groups(GroupCoordinatorOptions{}, &clock);
  OffsetStore store(&broker, &clock);
  ASSERT_EQ(*store.Load(&groups), 4);
  auto g = groups.FetchOffsets("g", std::nullopt);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].second.offset, 11);  // the later commit wins
  EXPECT_EQ(g[0].second.metadata, "b");
  EXPECT_EQ(g[1].second.offset, 20);
  EXPECT_EQ(groups.FetchOffsets("h", std::vector<TP>{{"u", 3}})[0].second.offset, 5);
}

TEST(OffsetStoreTest, LargeCommitsSpanSeveralBatches) {
  testing::MemoryBroker broker;
  FakeClock clock;
  GroupCoordinator groups(GroupCoordinatorOptions{}, &clock);
  OffsetStore store(&broker, &clock);
  ASSERT_TRUE(store.Load(&groups).ok());
  OffsetStore::Offsets many;
  for (int i = 0; i < 2500; ++i) many.push_back({TP("t", i), {i, ""}});
  ASSERT_TRUE(AppendAndWait(store, "g", many).ok());
  GroupCoordinator restored(GroupCoordinatorOptions{}, &clock);
  ASSERT_EQ(*OffsetStore(&broker, &clock).Load(&restored), 2500);
  EXPECT_EQ(restored.FetchOffsets("g", std::nullopt).size(), 2500u);
}

TEST(OffsetStoreTest, LoadSkipsRecordsItDoesNotUnderstand) {
  testing::MemoryBroker broker;
  FakeClock clock;
  GroupCoordinator groups(GroupCoordinatorOptions{}, &clock);
  OffsetStore store(&broker, &clock);
  ASSERT_TRUE(store.Load(&groups).ok());
  broker::Record junk;
  junk.key = "not a key";
  junk.value = "x";
  broker::Record tombstone;
  tombstone.key = OffsetStore::EncodeKey("g", {"t", 0});
  absl::Notification appended;
  broker.Produce(kOffsetsTopic, PartitionId(0), broker::BuildRecordBatch({junk, tombstone}),
                 broker::Acks::kAll, [&](absl::StatusOr<broker::AppendInfo> r) {
                   EXPECT_TRUE(r.ok());
                   appended.Notify();
                 });
  appended.WaitForNotification();
  ASSERT_TRUE(AppendAndWait(store, "g", {{TP("t", 0), {3, ""}}}).ok());
  GroupCoordinator restored(GroupCoordinatorOptions{}, &clock);
  ASSERT_EQ(*OffsetStore(&broker, &clock).Load(&restored), 1);
  EXPECT_EQ(restored.FetchOffsets("g", std::vector<TP>{{"t", 0}})[0].second.offset, 3);
}

TEST(OffsetStoreTest, AppendReportsBrokerErrors) {
  testing::MemoryBroker broker;
  FakeClock clock;
  OffsetStore store(&broker, &clock);  // never loaded: the topic does not exist
  absl::Status s = AppendAndWait(store, "g", {{TP("t", 0), {1, ""}}});
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(AppendAndWait(store, "g", {}).ok());
}

}  // namespace
}  // namespace rtai::kafka
