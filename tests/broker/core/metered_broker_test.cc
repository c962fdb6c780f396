#include "broker/core/metered_broker.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/base/metrics/sample_parser.h"
#include "tests/broker/core/broker_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::rtai::broker::testing::BatchOf;
using ::rtai::broker::testing::Values;
using ::rtai::testing::FindSample;

class MeteredBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerOptions o;
    o.data_dir = dir_.path();
    o.metrics = &registry_;
    auto b = Broker::Open(std::move(o), DefaultFileSystem(), SystemClock());
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = std::make_unique<MeteredBroker>(*std::move(b), &registry_);
    ASSERT_TRUE(broker_->CreateTopic("t", 2, {}).ok());
  }
  double Sample(const std::string& series) {
    return FindSample(registry_.RenderText(), series).value_or(-1);
  }

  ::rtai::testing::TempDir dir_;
  FakeClock clock_{0};
  metrics::Registry registry_{&clock_};  // durations: exactly 0
  std::unique_ptr<MeteredBroker> broker_;
};

TEST_F(MeteredBrokerTest, CountsProducedAndFetchedBytesAndRecordsPerTopic) {
  const std::string b1 = BatchOf({"a", "b", "c"});
  const std::string b2 = BatchOf({"d", "e"});
  const std::string b3 = BatchOf({"f", "g", "h", "i"});
  ASSERT_TRUE(ProduceAndWait(*broker_, "t", PartitionId(0), b1, Acks::kAll).ok());
  ASSERT_TRUE(ProduceAndWait(*broker_, "t", PartitionId(1), b2, Acks::kLeader).ok());
  ASSERT_TRUE(ProduceAndWait(*broker_, "t", PartitionId(0), b3, Acks::kNone).ok());
  ASSERT_TRUE(ProduceAndWait(*broker_, "t", PartitionId(0), b1, Acks::kAll).ok());
  EXPECT_EQ(Sample("rtai_broker_produced_records_total{topic=\"t\"}"), 12);
  EXPECT_EQ(Sample("rtai_broker_produced_bytes_total{topic=\"t\"}"),
            static_cast<double>(2 * b1.size() + b2.size() + b3.size()));
  EXPECT_EQ(Sample("rtai_broker_produce_duration_seconds_count{acks=\"all\"}"), 2);
  EXPECT_EQ(Sample("rtai_broker_produce_duration_seconds_count{acks=\"0\"}"), 1);
  EXPECT_EQ(Sample("rtai_broker_produce_duration_seconds_bucket{acks=\"1\",le=\"5e-05\"}"), 1);

  auto fetched = FetchAndWait(*broker_, "t", PartitionId(0), Offset(0), 1 << 20, 0);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  ASSERT_EQ(Values(*fetched).size(), 10u);
  EXPECT_EQ(Sample("rtai_broker_fetched_records_total{topic=\"t\"}"), 10);
  EXPECT_EQ(Sample("rtai_broker_fetched_bytes_total{topic=\"t\"}"),
            static_cast<double>(fetched->batches.size()));
  EXPECT_EQ(Sample("rtai_broker_fetch_duration_seconds_count"), 1);
}

TEST_F(MeteredBrokerTest, ErrorsAreCountedByCode) {
  EXPECT_FALSE(ProduceAndWait(*broker_, "nope", PartitionId(0), BatchOf({"x"}), Acks::kAll).ok());
  EXPECT_FALSE(FetchAndWait(*broker_, "t", PartitionId(0), Offset(99), 1024, 0).ok());
  EXPECT_EQ(Sample("rtai_broker_produce_errors_total{code=\"NOT_FOUND\"}"), 1);
  EXPECT_EQ(Sample("rtai_broker_fetch_errors_total{code=\"OUT_OF_RANGE\"}"), 1);
  EXPECT_EQ(Sample("rtai_broker_produced_records_total{topic=\"nope\"}"), -1);
}

TEST_F(MeteredBrokerTest, LogGaugesAreReadAtScrapeTime) {
  EXPECT_EQ(Sample("rtai_broker_log_end_offset{topic=\"t\",partition=\"1\"}"), 0);
  ASSERT_TRUE(ProduceAndWait(*broker_, "t", PartitionId(1), BatchOf({"a", "b"}), Acks::kAll).ok());
  EXPECT_EQ(Sample("rtai_broker_log_end_offset{topic=\"t\",partition=\"1\"}"), 2);
  EXPECT_EQ(Sample("rtai_broker_high_watermark{topic=\"t\",partition=\"1\"}"), 2);
  EXPECT_GT(Sample("rtai_broker_log_size_bytes{topic=\"t\",partition=\"1\"}"), 0);
  EXPECT_EQ(Sample("rtai_broker_log_segments{topic=\"t\",partition=\"0\"}"), 1);
  // Group commit recorded the acks=all fsync.
  EXPECT_GE(Sample("rtai_log_fsync_duration_seconds_count"), 1);
  EXPECT_GE(Sample("rtai_log_group_commit_waiters_count"), 1);
  ASSERT_TRUE(broker_->DeleteTopic("t").ok());
  EXPECT_EQ(Sample("rtai_broker_log_end_offset{topic=\"t\",partition=\"1\"}"), -1);
}

TEST_F(MeteredBrokerTest, DestructionUnregistersScrapeTimeGauges) {
  broker_->Shutdown();
  broker_.reset();
  const std::string text = registry_.RenderText();
  EXPECT_EQ(text.find("rtai_broker_log_size_bytes"), std::string::npos);
  EXPECT_NE(text.find("rtai_broker_produced_bytes_total"), std::string::npos);
}

TEST(CountRecordsInBatchesTest, CountsWholeBatchesAndStopsAtGarbage) {
  const std::string two = BatchOf({"a", "b"}) + BatchOf({"c", "d", "e"});
  EXPECT_EQ(CountRecordsInBatches(two), 5);
  EXPECT_EQ(CountRecordsInBatches(""), 0);
  EXPECT_EQ(CountRecordsInBatches(two.substr(0, 30)), 0);  // partial header
  std::string bad = BatchOf({"a"});
  bad[8] = '\xff';  // negative batch length
  EXPECT_EQ(CountRecordsInBatches(bad), 0);
  std::string huge = BatchOf({"a"});
  huge[8] = '\x7f';  // length far past the end: the first batch still counts
  EXPECT_EQ(CountRecordsInBatches(huge), 1);
}

}  // namespace
}  // namespace rtai::broker
