#include "broker/core/broker.h"

#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/core/broker_test_util.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::rtai::broker::testing::BatchOf;
using ::rtai::broker::testing::Values;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class BrokerTest : public ::testing::Test {
 protected:
  BrokerOptions Options() {
    BrokerOptions o;
    o.data_dir = dir_.path();
    o.log_defaults.segment_bytes = 64 << 10;
    return o;
  }
  void Open(BrokerOptions o) {
    broker_.reset();
    auto b = Broker::Open(std::move(o), &fs_, SystemClock());
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
  }
  void SetUp() override { Open(Options()); }

  absl::StatusOr<AppendInfo> Produce(const std::string& topic, int partition,
                                     const std::vector<std::string>& values,
                                     Acks acks = Acks::kAll) {
    return ProduceAndWait(*broker_, topic, PartitionId(partition),
                          BatchOf(values), acks);
  }
  absl::StatusOr<FetchResult> Fetch(const std::string& topic, int partition,
                                    int64_t offset, int64_t wait_ms = 0) {
    return FetchAndWait(*broker_, topic, PartitionId(partition), Offset(offset),
                        1 << 20, wait_ms);
  }

  ::rtai::testing::TempDir dir_;
  ::rtai::testing::FaultInjectionFileSystem fs_{DefaultFileSystem()};
  std::unique_ptr<Broker> broker_;
};

TEST_F(BrokerTest, ProduceThenFetchReturnsRecordsInOrder) {
  ASSERT_TRUE(broker_->CreateTopic("t", 2, {}).ok());
  auto a = Produce("t", 1, {"a", "b"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->base_offset, Offset(0));
  EXPECT_EQ(a->last_offset, Offset(1));
  auto b = Produce("t", 1, {"c"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->base_offset, Offset(2));
  auto f = Fetch("t", 1, 0);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->high_watermark, Offset(3));
  EXPECT_THAT(Values(*f), ElementsAre("a", "b", "c"));
  auto from2 = Fetch("t", 1, 2);
  ASSERT_TRUE(from2.ok());
  EXPECT_THAT(Values(*from2, 2), ElementsAre("c"));
  auto other = Fetch("t", 0, 0);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->batches.empty());
}

TEST_F(BrokerTest, StampsLeaderEpochFromTopicMetadata) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"x"}).ok());
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  auto header = ParseBatchHeader(f->batches);
  ASSERT_TRUE(header.ok());
  // BuildRecordBatch writes -1; the broker stamps the partition's epoch.
  EXPECT_EQ(header->partition_leader_epoch, 0);
  auto d = broker_->DescribeTopic("t");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->partitions[0].leader_epoch, LeaderEpoch(0));
  EXPECT_EQ(d->partitions[0].leader, NodeId(0));
}

TEST_F(BrokerTest, NewNodeIdTakesLeadershipWithBumpedEpoch) {
  ASSERT_TRUE(broker_->CreateTopic("t", 2, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"old"}).ok());
  broker_->Shutdown();
  BrokerOptions o = Options();
  o.node_id = NodeId(5);
  Open(o);
  auto d = broker_->DescribeTopic("t");
  ASSERT_TRUE(d.ok());
  for (const PartitionDescription& p : d->partitions) {
    EXPECT_EQ(p.leader, NodeId(5));
    EXPECT_EQ(p.leader_epoch, LeaderEpoch(1));
  }
  ASSERT_TRUE(Produce("t", 0, {"new"}).ok());
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  std::vector<int32_t> epochs;
  absl::string_view rest = f->batches;
  while (!rest.empty()) {
    auto h = ParseBatchHeader(rest);
    ASSERT_TRUE(h.ok());
    epochs.push_back(h->partition_leader_epoch);
    rest.remove_prefix(h->size_bytes());
  }
  EXPECT_THAT(epochs, ElementsAre(0, 1));
  // Persisted: the same node id again changes nothing.
  broker_->Shutdown();
  Open(o);
  EXPECT_EQ(broker_->DescribeTopic("t")->partitions[1].leader_epoch,
            LeaderEpoch(1));
}

TEST_F(BrokerTest, CreateTopicRejectsBadInput) {
  EXPECT_EQ(broker_->CreateTopic("a/b", 1, {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(broker_->CreateTopic("t", 0, {}).code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status many = broker_->CreateTopic("t", 10000, {});
  EXPECT_EQ(many.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(many.message(), HasSubstr("out of range"));
  EXPECT_EQ(broker_->CreateTopic("t", 1, {{"retention.ms", "x"}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(broker_->CreateTopic("t", 1, {{"no.such", "1"}}).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  EXPECT_EQ(broker_->CreateTopic("t", 1, {}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(broker_->ListTopics(), ElementsAre("t"));
}

TEST_F(BrokerTest, BrokerWidePartitionLimitIsResourceExhausted) {
  BrokerOptions o = Options();
  o.max_partitions_total = 5;
  Open(o);
  ASSERT_TRUE(broker_->CreateTopic("a", 3, {}).ok());
  EXPECT_EQ(broker_->CreateTopic("b", 3, {}).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(broker_->CreateTopic("b", 2, {}).ok());
}

TEST_F(BrokerTest, ProduceErrors) {
  ASSERT_TRUE(
      broker_->CreateTopic("t", 1, {{"max.message.bytes", "200"}}).ok());
  EXPECT_EQ(Produce("nope", 0, {"x"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Produce("t", 1, {"x"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Produce("t", -1, {"x"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Produce("t", 0, {std::string(500, 'x')}).status().code(),
            absl::StatusCode::kResourceExhausted);
  std::string corrupt = BatchOf({"x"});
  corrupt[corrupt.size() - 1] ^= 1;
  auto r = ProduceAndWait(*broker_, "t", PartitionId(0), corrupt, Acks::kAll);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ProduceAndWait(*broker_, "t", PartitionId(0), "junk", Acks::kAll)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing was appended by the failures.
  ASSERT_TRUE(Produce("t", 0, {"ok"}).ok());
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(Values(*f), ElementsAre("ok"));
}

TEST_F(BrokerTest, FetchOutOfRangeAndBadArguments) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"a"}).ok());
  EXPECT_EQ(Fetch("t", 0, 5).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Fetch("t", 0, -1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Fetch("x", 0, 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FetchAndWait(*broker_, "t", PartitionId(0), Offset(0), 0, 0)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto at_end = Fetch("t", 0, 1);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->batches.empty());
}

TEST_F(BrokerTest, LongPollWakesWhenRecordsArrive) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  absl::Notification done;
  absl::StatusOr<FetchResult> result;
  broker_->Fetch("t", PartitionId(0), Offset(0), 1 << 20, 20000,
                 [&](absl::StatusOr<FetchResult> r) {
                   result = std::move(r);
                   done.Notify();
                 });
  EXPECT_FALSE(done.HasBeenNotified());
  ASSERT_TRUE(Produce("t", 0, {"hello"}).ok());
  // Woken by the produce, long before the 20 s deadline.
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(Values(*result), ElementsAre("hello"));
}

TEST_F(BrokerTest, LongPollTimesOutEmpty) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  const absl::Time start = absl::Now();
  auto f = Fetch("t", 0, 0, /*wait_ms=*/150);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->batches.empty());
  EXPECT_GE(took, absl::Milliseconds(150));
  EXPECT_LT(took, absl::Seconds(5));
}

TEST_F(BrokerTest, ShutdownCompletesParkedFetchesAndRejectsNewWork) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  absl::Notification done;
  broker_->Fetch("t", PartitionId(0), Offset(0), 1 << 20, 30000,
                 [&](absl::StatusOr<FetchResult> r) {
                   EXPECT_TRUE(r.ok());
                   done.Notify();
                 });
  broker_->Shutdown();
  EXPECT_TRUE(done.HasBeenNotified());
  EXPECT_EQ(Produce("t", 0, {"x"}).status().code(),
            absl::StatusCode::kUnavailable);
  broker_->Shutdown();  // idempotent
}

TEST_F(BrokerTest, AcksAllUnderPerWriteWaitsForFsync) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  const int64_t syncs = fs_.sync_count();
  ASSERT_TRUE(Produce("t", 0, {"a"}).ok());
  EXPECT_GT(fs_.sync_count(), syncs);
  auto d = broker_->DescribePartition("t", PartitionId(0));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->high_watermark, Offset(1));
  EXPECT_EQ(d->log_end_offset, Offset(1));
}

TEST_F(BrokerTest, FsyncFailureFailsAcksAllAndHidesUnsyncedData) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"durable"}).ok());
  fs_.FailNextSyncs(1);
  auto r = Produce("t", 0, {"lost"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  // The log is failed: later writes are refused, never acknowledged.
  EXPECT_EQ(Produce("t", 0, {"later"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Consumers see only what was durable.
  auto d = broker_->DescribePartition("t", PartitionId(0));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->high_watermark, Offset(1));
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(Values(*f), ElementsAre("durable"));
}

TEST_F(BrokerTest, AcksLeaderUnderPerWriteIsNotVisibleUntilDurable) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  fs_.FailNextSyncs(1);
  auto r = Produce("t", 0, {"written-not-synced"}, Acks::kLeader);
  ASSERT_TRUE(r.ok()) << r.status();  // acks=1: answered after the write
  auto d = broker_->DescribePartition("t", PartitionId(0));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->log_end_offset, Offset(1));
  EXPECT_EQ(d->high_watermark, Offset(0));
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->batches.empty());
}

TEST_F(BrokerTest, IntervalPolicyAcksAfterWriteAndExposesLogEnd) {
  ASSERT_TRUE(
      broker_
          ->CreateTopic("t", 1,
                        {{"flush.policy", "interval"}, {"flush.ms", "3600000"}})
          .ok());
  const int64_t syncs = fs_.sync_count();
  ASSERT_TRUE(Produce("t", 0, {"a", "b"}).ok());
  EXPECT_EQ(fs_.sync_count(), syncs);  // no fsync on the ack path
  auto d = broker_->DescribePartition("t", PartitionId(0));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->high_watermark, Offset(2));
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(Values(*f), ElementsAre("a", "b"));
}

TEST_F(BrokerTest, IntervalPolicySyncsPeriodically) {
  ASSERT_TRUE(
      broker_
          ->CreateTopic("t", 1,
                        {{"flush.policy", "interval"}, {"flush.ms", "20"}})
          .ok());
  const int64_t syncs = fs_.sync_count();
  ASSERT_TRUE(Produce("t", 0, {"a"}).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (fs_.sync_count() == syncs && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GT(fs_.sync_count(), syncs);
}

TEST_F(BrokerTest, RestartKeepsTopicsConfigsAndData) {
  ASSERT_TRUE(
      broker_->CreateTopic("t", 2, {{"retention.ms", "86400000"}}).ok());
  ASSERT_TRUE(Produce("t", 1, {"a", "b"}).ok());
  auto before = broker_->DescribeTopic("t");
  ASSERT_TRUE(before.ok());
  broker_->Shutdown();
  Open(Options());
  auto after = broker_->DescribeTopic("t");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->topic_id, before->topic_id);
  EXPECT_EQ(after->configs, before->configs);
  ASSERT_EQ(after->partitions.size(), 2u);
  EXPECT_EQ(after->partitions[1].high_watermark, Offset(2));
  auto f = Fetch("t", 1, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(Values(*f), ElementsAre("a", "b"));
  auto next = Produce("t", 1, {"c"});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->base_offset, Offset(2));
}

TEST_F(BrokerTest, DeleteTopicRemovesDataAndFailsParkedFetches) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"a"}).ok());
  absl::Notification done;
  absl::Status parked_status;
  broker_->Fetch("t", PartitionId(0), Offset(1), 1 << 20, 30000,
                 [&](absl::StatusOr<FetchResult> r) {
                   parked_status = r.status();
                   done.Notify();
                 });
  ASSERT_TRUE(broker_->DeleteTopic("t").ok());
  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_EQ(parked_status.code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir_.path() + "/topics/t"));
  EXPECT_EQ(broker_->DeleteTopic("t").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Fetch("t", 0, 0).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  auto f = Fetch("t", 0, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->batches.empty());
  broker_->Shutdown();
  Open(Options());
  EXPECT_THAT(broker_->ListTopics(), ElementsAre("t"));
}

TEST_F(BrokerTest, CorruptManifestTakesOnlyThatTopicOffline) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(broker_->CreateTopic("good", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"kept"}).ok());
  broker_->Shutdown();
  broker_.reset();
  const std::string path = dir_.path() + "/topics/t/topic.manifest";
  ASSERT_TRUE(
      DefaultFileSystem()->WriteFileAtomically(path, "RTMFgarbage").ok());
  Open(Options());
  // The other topic is served.
  ASSERT_TRUE(Produce("good", 0, {"x"}).ok());
  EXPECT_THAT(Values(*Fetch("good", 0, 0)), ElementsAre("x"));
  // The broken one answers a clear kDataLoss naming the file, everywhere.
  EXPECT_THAT(broker_->ListTopics(), ElementsAre("good", "t"));
  for (const absl::Status& s :
       {broker_->DescribeTopic("t").status(), Produce("t", 0, {"y"}).status(),
        Fetch("t", 0, 0).status(), broker_->SummarizeTopic("t").status()}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    EXPECT_THAT(s.message(), HasSubstr("offline"));
    EXPECT_THAT(s.message(), HasSubstr(path));
  }
  // Its files are never overwritten by a new topic of the same name...
  EXPECT_EQ(broker_->CreateTopic("t", 1, {}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(DefaultFileSystem()->Exists(dir_.path() + "/topics/t/0"));
  // ...until it is deleted.
  ASSERT_TRUE(broker_->DeleteTopic("t").ok());
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir_.path() + "/topics/t"));
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(Produce("t", 0, {"new"}).ok());
}

TEST_F(BrokerTest, PartitionLogThatFailsToOpenTakesOnlyThatTopicOffline) {
  ASSERT_TRUE(broker_->CreateTopic("t", 2, {}).ok());
  ASSERT_TRUE(broker_->CreateTopic("good", 1, {}).ok());
  broker_->Shutdown();
  broker_.reset();
  // Partition 1's directory is replaced by a file: its log cannot open.
  const std::string part = dir_.path() + "/topics/t/1";
  ASSERT_TRUE(DefaultFileSystem()->DeleteDirRecursive(part).ok());
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(part, "not a directory").ok());
  Open(Options());
  ASSERT_TRUE(Produce("good", 0, {"x"}).ok());
  absl::Status s = Produce("t", 0, {"y"}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_THAT(s.message(), HasSubstr("offline"));
  ASSERT_TRUE(broker_->DeleteTopic("t").ok());
  EXPECT_THAT(broker_->ListTopics(), ElementsAre("good"));
}

TEST_F(BrokerTest, AcksNoneAnswersBeforeTheWrite) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  auto r = Produce("t", 0, {"x"}, Acks::kNone);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_offset, Offset(-1));
  // The write still happens: a long poll sees it.
  auto f = Fetch("t", 0, 0, 10000);
  ASSERT_TRUE(f.ok());
  EXPECT_THAT(Values(*f), ElementsAre("x"));
}

TEST_F(BrokerTest, RetentionThreadDeletesOldSegments) {
  BrokerOptions o = Options();
  o.retention_check_interval_ms = 20;
  Open(o);
  ASSERT_TRUE(
      broker_
          ->CreateTopic(
              "t", 1, {{"segment.bytes", "1024"}, {"retention.bytes", "2048"}})
          .ok());
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(Produce("t", 0, {std::string(200, 'a' + i % 26)}).ok());
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  absl::StatusOr<PartitionDescription> d;
  do {
    absl::SleepFor(absl::Milliseconds(10));  // waiting for the periodic thread
    d = broker_->DescribePartition("t", PartitionId(0));
    ASSERT_TRUE(d.ok());
    // The thread may have run mid-produce: wait for a pass after the last
    // append, which leaves the partition within retention.bytes + a segment.
  } while ((d->log_start_offset == Offset(0) || d->size_bytes > 2048 + 1024) &&
           absl::Now() < deadline);
  EXPECT_GT(d->log_start_offset, Offset(0));
  EXPECT_LE(d->size_bytes, 2048 + 1024);
  EXPECT_EQ(d->log_end_offset, Offset(40));
  EXPECT_EQ(Fetch("t", 0, 0).status().code(), absl::StatusCode::kOutOfRange);
  auto f = Fetch("t", 0, d->log_start_offset.value());
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->batches.empty());
}

}  // namespace
}  // namespace rtai::broker
