// The Kafka front over the real, disk-backed Broker (broker/core): error
// mapping as the facade actually reports it, long polls, timestamps from
// the time index, and committed offsets surviving a Broker reopen.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "broker/core/broker.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/request_processor.h"
#include "tests/broker/kafka/test_batches.h"
#include "tests/broker/kafka/test_client.h"
#include "tests/testing/temp_dir.h"

namespace rtai::kafka {
namespace {

using testing::BuildBatch;
using testing::DecodeValues;

class RealBrokerTest : public ::testing::Test {
 protected:
  RealBrokerTest() { Open(); }
  ~RealBrokerTest() override { Close(); }

  void Open() {
    broker::BrokerOptions options;
    options.data_dir = dir_.path();
    options.log_defaults.max_message_bytes = 4096;
    auto b = broker::Broker::Open(options, DefaultFileSystem(), SystemClock());
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
    groups_ = std::make_unique<GroupCoordinator>(GroupCoordinatorOptions{}, SystemClock());
    store_ = std::make_unique<OffsetStore>(broker_.get(), SystemClock());
    ASSERT_TRUE(store_->Load(groups_.get()).ok());
    KafkaServerOptions o;
    o.log_defaults.max_message_bytes = 4096;
    processor_ = std::make_unique<RequestProcessor>(
        broker_.get(), groups_.get(), std::make_shared<const KafkaServerOptions>(o),
        [](absl::AnyInvocable<void()> task) { task(); }, store_.get());
    processor_->SetAdvertised("h", 1);
  }
  void Close() {
    processor_.reset();
    store_.reset();
    groups_.reset();
    if (broker_ != nullptr) broker_->Shutdown();
    broker_.reset();
  }

  StructValue Call(ApiKey key, int16_t version, const StructValue& body) {
    std::string frame = testing::RequestFrame(key, version, 1, body).substr(4);
    absl::Notification done;
    RequestProcessor::Outcome outcome;
    processor_->Process(frame, [&](RequestProcessor::Outcome o) {
      outcome = std::move(o);
      done.Notify();
    });
    done.WaitForNotification();
    EXPECT_TRUE(outcome.ok() && outcome->has_value());
    if (!outcome.ok() || !outcome->has_value()) return StructValue();
    auto r = testing::ParseResponse(key, version, **outcome);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->body : StructValue();
  }
  int64_t ProduceCode(const std::string& topic, std::string records) {
    StructValue req = NewMessage(kProduceRequest);
    req.SetInt("Acks", -1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", topic);
    StructValue& p = t.AddStruct("Partitions");
    p.SetStr("Records", std::move(records));
    StructValue r = Call(ApiKey::kProduce, 7, req);
    return r.Array("Responses")[0].as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode");
  }
  StructValue FetchFrom(const std::string& topic, int64_t offset, int32_t wait_ms) {
    StructValue req = NewMessage(kFetchRequest);
    req.SetInt("ReplicaId", -1);
    req.SetInt("MaxWait", wait_ms);
    req.SetInt("MinBytes", 1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", topic);
    StructValue& p = t.AddStruct("FetchPartitions");
    p.SetInt("FetchOffset", offset);
    p.SetInt("MaxBytes", 1 << 20);
    StructValue r = Call(ApiKey::kFetch, 11, req);
    return r.Array("Responses")[0].as_struct().Array("PartitionResponses")[0].as_struct();
  }

  rtai::testing::TempDir dir_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<OffsetStore> store_;
  std::unique_ptr<RequestProcessor> processor_;
};

TEST_F(RealBrokerTest, ProduceAndFetchMapTheFacadesErrors) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  EXPECT_EQ(ProduceCode("t", BuildBatch({{"k", "v1"}, {"k", "v2"}})), 0);
  EXPECT_EQ(ProduceCode("t", BuildBatch({{"k", std::string(8000, 'x')}})),
            Code(ErrorCode::kMessageTooLarge));
  std::string corrupt = BuildBatch({{"k", "v"}});
  corrupt[corrupt.size() - 2] ^= 1;  // CRC mismatch
  EXPECT_EQ(ProduceCode("t", corrupt), Code(ErrorCode::kCorruptMessage));
  EXPECT_EQ(ProduceCode("nope", BuildBatch({{"k", "v"}})),
            Code(ErrorCode::kUnknownTopicOrPartition));

  StructValue p = FetchFrom("t", 0, 0);
  EXPECT_EQ(p.Int("ErrorCode"), 0);
  EXPECT_EQ(p.Int("HighWatermark"), 2);
  auto values = DecodeValues(p.Str("RecordSet"));
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1], std::make_pair(int64_t{1}, std::string("v2")));
  EXPECT_EQ(FetchFrom("t", 99, 0).Int("ErrorCode"), Code(ErrorCode::kOffsetOutOfRange));
}

// BuildBatch stamped as an idempotent producer's batch (CRC recomputed).
std::string IdemBatch(int64_t pid, int16_t epoch, int32_t seq, const std::string& value) {
  std::string b = BuildBatch({{"k", value}});
  StoreBigEndian<int64_t>(&b[43], pid);
  StoreBigEndian<int16_t>(&b[51], epoch);
  StoreBigEndian<int32_t>(&b[53], seq);
  StoreBigEndian<uint32_t>(&b[17], crc32c::Value(b.data() + 21, b.size() - 21));
  return b;
}

TEST_F(RealBrokerTest, IdempotentProducerIdsAndSequencesSurviveAReopen) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  StructValue init = NewMessage(kInitProducerIdRequest);
  init.SetNull("TransactionalId");
  init.SetInt("TransactionTimeoutMs", 60000);
  StructValue r0 = Call(ApiKey::kInitProducerId, 0, init);
  EXPECT_EQ(r0.Int("ErrorCode"), 0);
  EXPECT_EQ(r0.Int("ProducerEpoch"), 0);
  const int64_t pid = r0.Int("ProducerId");
  StructValue r4 = Call(ApiKey::kInitProducerId, 4, init);  // flexible version
  EXPECT_EQ(r4.Int("ErrorCode"), 0);
  EXPECT_NE(r4.Int("ProducerId"), pid);
  StructValue txn = init;
  txn.SetStr("TransactionalId", "tx");
  // A transactional id goes to the transaction coordinator (its own id).
  StructValue rt = Call(ApiKey::kInitProducerId, 1, txn);
  EXPECT_EQ(rt.Int("ErrorCode"), 0);
  EXPECT_GE(rt.Int("ProducerId"), 0);
  EXPECT_NE(rt.Int("ProducerId"), pid);
  EXPECT_EQ(rt.Int("ProducerEpoch"), 0);

  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 0, "a")), 0);
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 1, "b")), 0);
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 1, "b")), 0);  // duplicate
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 5, "c")),
            Code(ErrorCode::kOutOfOrderSequenceNumber));
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid + 100, 0, 3, "d")),
            Code(ErrorCode::kUnknownProducerId));
  Close();
  Open();
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 0, "a")), 0);  // duplicate after reopen
  EXPECT_EQ(ProduceCode("t", IdemBatch(pid, 0, 2, "c")), 0);
  StructValue p = FetchFrom("t", 0, 0);
  auto values = DecodeValues(p.Str("RecordSet"));
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].second, "a");
  EXPECT_EQ(values[1].second, "b");
  EXPECT_EQ(values[2].second, "c");
  // Ids never repeat across a reopen.
  StructValue again = Call(ApiKey::kInitProducerId, 2, init);
  EXPECT_EQ(again.Int("ErrorCode"), 0);
  EXPECT_GT(again.Int("ProducerId"), r4.Int("ProducerId"));
}

TEST_F(RealBrokerTest, LongPollIsWokenByAProduce) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  std::optional<StructValue> fetched;
  std::thread poller([&] { fetched = FetchFrom("t", 0, 20000); });
  // The poll is parked in the broker; a produce must answer it well before
  // its 20 s deadline (the test would time out otherwise).
  EXPECT_EQ(ProduceCode("t", BuildBatch({{"k", "late"}})), 0);
  poller.join();
  ASSERT_TRUE(fetched.has_value());
  // Either the first pass already saw the record or the long poll did.
  auto values = DecodeValues(fetched->Str("RecordSet"));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].second, "late");
}

TEST_F(RealBrokerTest, ListOffsetsUsesTheTimeIndex) {
  ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  ASSERT_EQ(ProduceCode("t", BuildBatch({{"a", "1"}, {"b", "2"}}, 1000)), 0);
  ASSERT_EQ(ProduceCode("t", BuildBatch({{"c", "3"}}, 5000)), 0);
  auto offset = [&](int64_t ts) {
    StructValue req = NewMessage(kListOffsetsRequest);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "t");
    t.AddStruct("Partitions").SetInt("Timestamp", ts);
    StructValue r = Call(ApiKey::kListOffsets, 2, req);
    return r.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int("Offset");
  };
  EXPECT_EQ(offset(-2), 0);
  EXPECT_EQ(offset(-1), 3);
  EXPECT_EQ(offset(1001), 0);
  EXPECT_EQ(offset(4000), 2);
  EXPECT_EQ(offset(6000), -1);
}

TEST_F(RealBrokerTest, CreateTopicsReportsInvalidConfigs) {
  StructValue req = NewMessage(kCreateTopicsRequest);
  StructValue& t = req.AddStruct("Topics");
  t.SetStr("Name", "c");
  t.SetInt("NumPartitions", 2);
  t.SetInt("ReplicationFactor", 1);
  StructValue& c = t.AddStruct("Configs");
  c.SetStr("Name", "retention.ms");
  c.SetStr("Value", "not-a-number");
  StructValue r = Call(ApiKey::kCreateTopics, 3, req);
  EXPECT_EQ(r.Array("Topics")[0].as_struct().Int("ErrorCode"), Code(ErrorCode::kInvalidConfig));
  EXPECT_FALSE(r.Array("Topics")[0].as_struct().Str("ErrorMessage").empty());
  req.MutableArray("Topics")->at(0).mutable_struct()->MutableArray("Configs")->at(0)
      .mutable_struct()->SetStr("Value", "60000");
  r = Call(ApiKey::kCreateTopics, 3, req);
  EXPECT_EQ(r.Array("Topics")[0].as_struct().Int("ErrorCode"), 0);
  StructValue describe = NewMessage(kDescribeConfigsRequest);
  StructValue& res = describe.AddStruct("Resources");
  res.SetInt("ResourceType", 2);
  res.SetStr("ResourceName", "c");
  res.MutableArray("ConfigurationKeys")->push_back(Value(std::string("retention.ms")));
  StructValue d = Call(ApiKey::kDescribeConfigs, 2, describe);
  const auto& configs = d.Array("Results")[0].as_struct().Array("Configs");
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(configs[0].as_struct().Str("Value"), "60000");
}

TEST_F(RealBrokerTest, CommittedOffsetsSurviveABrokerReopen) {
  StructValue commit = NewMessage(kOffsetCommitRequest);
  commit.SetStr("GroupId", "g");
  commit.SetInt("GenerationId", -1);
  StructValue& t = commit.AddStruct("Topics");
  t.SetStr("Name", "t");
  t.AddStruct("Partitions").SetInt("CommittedOffset", 77);
  StructValue r = Call(ApiKey::kOffsetCommit, 2, commit);
  ASSERT_EQ(r.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode"),
            0);
  Close();
  Open();
  StructValue fetch = NewMessage(kOffsetFetchRequest);
  fetch.SetStr("GroupId", "g");
  fetch.SetNull("Topics");
  StructValue f = Call(ApiKey::kOffsetFetch, 2, fetch);
  ASSERT_EQ(f.Array("Topics").size(), 1u);
  EXPECT_EQ(f.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int(
                "CommittedOffset"),
            77);
}

}  // namespace
}  // namespace rtai::kafka
