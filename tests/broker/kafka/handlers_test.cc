// The API handlers driven through RequestProcessor (no sockets) against
// the in-memory Broker: what a client would see, per API and version.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/request_processor.h"
#include "tests/broker/kafka/memory_broker.h"
#include "tests/broker/kafka/test_batches.h"
#include "tests/broker/kafka/test_client.h"

namespace rtai::kafka {
namespace {

using testing::BuildBatch;
using testing::DecodeValues;
using testing::MemoryBroker;

class HandlersTest : public ::testing::Test {
 protected:
  HandlersTest()
      : groups_(GroupCoordinatorOptions{}, &clock_),
        processor_(&broker_, &groups_, std::make_shared<const KafkaServerOptions>(Options()),
                   [](absl::AnyInvocable<void()> task) { task(); }) {
    processor_.SetAdvertised("broker.example", 19092);
  }
  static KafkaServerOptions Options() {
    KafkaServerOptions o;
    o.default_partitions = 3;
    return o;
  }

  // Sends one request; returns the decoded response, nullopt when none is
  // due, or the error that would close the connection.
  absl::StatusOr<std::optional<StructValue>> Call(ApiKey key, int16_t version,
                                                  const StructValue& body) {
    std::string frame = testing::RequestFrame(key, version, 42, body).substr(4);
    absl::Notification done;
    RequestProcessor::Outcome outcome;
    processor_.Process(frame, [&](RequestProcessor::Outcome o) {
      outcome = std::move(o);
      done.Notify();
    });
    done.WaitForNotification();
    if (!outcome.ok()) return outcome.status();
    if (!outcome->has_value()) return std::optional<StructValue>();
    absl::StatusOr<testing::ParsedResponse> r = testing::ParseResponse(key, version, **outcome);
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->correlation_id, 42);
    return std::optional<StructValue>(std::move(r->body));
  }
  StructValue Ok(ApiKey key, int16_t version, const StructValue& body) {
    auto r = Call(key, version, body);
    EXPECT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : StructValue();
  }

  StructValue ProduceRequest(const std::string& topic, int32_t partition, std::string records,
                             int16_t acks = -1) {
    StructValue req = NewMessage(kProduceRequest);
    req.SetInt("Acks", acks);
    req.SetInt("TimeoutMs", 1000);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", topic);
    StructValue& p = t.AddStruct("Partitions");
    p.SetInt("PartitionIndex", partition);
    p.SetStr("Records", std::move(records));
    return req;
  }
  StructValue FetchRequest(const std::string& topic, int32_t partition, int64_t offset,
                           int32_t max_wait_ms = 0) {
    StructValue req = NewMessage(kFetchRequest);
    req.SetInt("ReplicaId", -1);
    req.SetInt("MaxWait", max_wait_ms);
    req.SetInt("MinBytes", 1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", topic);
    StructValue& p = t.AddStruct("FetchPartitions");
    p.SetInt("PartitionIndex", partition);
    p.SetInt("FetchOffset", offset);
    p.SetInt("MaxBytes", 1 << 20);
    return req;
  }
  static const StructValue& FirstPartition(const StructValue& resp, const char* topics,
                                           const char* partitions) {
    return resp.Array(topics)[0].as_struct().Array(partitions)[0].as_struct();
  }

  MemoryBroker broker_;
  FakeClock clock_;
  GroupCoordinator groups_;
  RequestProcessor processor_;
};

TEST_F(HandlersTest, ApiVersionsListsEveryHandlerFromVersionZero) {
  for (int16_t v = 0; v <= 3; ++v) {
    StructValue r = Ok(ApiKey::kApiVersions, v, NewMessage(kApiVersionsRequest));
    EXPECT_EQ(r.Int("ErrorCode"), 0);
    ASSERT_EQ(r.Array("ApiKeys").size(), AllHandlers().size());
    for (const Value& k : r.Array("ApiKeys")) EXPECT_EQ(k.as_struct().Int("MinVersion"), 0);
    EXPECT_EQ(r.Array("ApiKeys")[0].as_struct().Int("MaxVersion"), 8);   // Produce
    EXPECT_EQ(r.Array("ApiKeys")[1].as_struct().Int("MaxVersion"), 11);  // Fetch
  }
}

TEST_F(HandlersTest, UnsupportedApiVersionsVersionGetsV0ErrorResponse) {
  std::string frame(4, '\0');
  RequestHeader h{18, 9, 7, std::string("c")};
  EncodeRequestHeader(h, 2, &frame);
  frame += std::string("\x00\x00\x00", 3);
  absl::Notification done;
  RequestProcessor::Outcome outcome;
  processor_.Process(std::string_view(frame).substr(4), [&](RequestProcessor::Outcome o) {
    outcome = std::move(o);
    done.Notify();
  });
  done.WaitForNotification();
  ASSERT_TRUE(outcome.ok() && outcome->has_value());
  auto r = testing::ParseResponse(ApiKey::kApiVersions, 0, **outcome);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->correlation_id, 7);
  EXPECT_EQ(r->body.Int("ErrorCode"), Code(ErrorCode::kUnsupportedVersion));
  EXPECT_EQ(r->body.Array("ApiKeys").size(), AllHandlers().size());
}

TEST_F(HandlersTest, UnknownApiOrVersionClosesTheConnection) {
  std::string frame;
  EncodeRequestHeader({77, 0, 1, std::string("c")}, 1, &frame);
  absl::Notification n1;
  processor_.Process(frame, [&](RequestProcessor::Outcome o) {
    EXPECT_EQ(o.status().code(), absl::StatusCode::kUnimplemented);
    n1.Notify();
  });
  n1.WaitForNotification();
  frame.clear();
  EncodeRequestHeader({1, 12, 1, std::string("c")}, 2, &frame);
  absl::Notification n2;
  processor_.Process(frame, [&](RequestProcessor::Outcome o) {
    EXPECT_EQ(o.status().code(), absl::StatusCode::kUnimplemented);
    n2.Notify();
  });
  n2.WaitForNotification();
}

TEST_F(HandlersTest, MalformedBodyIsAnError) {
  std::string frame;
  EncodeRequestHeader({3, 1, 1, std::string("c")}, 1, &frame);
  frame += "\x7f\xff\xff\xff";
  absl::Notification n;
  processor_.Process(frame, [&](RequestProcessor::Outcome o) {
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    n.Notify();
  });
  n.WaitForNotification();
}

TEST_F(HandlersTest, MetadataAutoCreatesAndDescribesTopics) {
  for (int16_t v : {0, 1, 4, 7, 9}) {
    StructValue req = NewMessage(kMetadataRequest);
    req.AddStruct("Topics").SetStr("Name", "auto" + std::to_string(v));
    StructValue r = Ok(ApiKey::kMetadata, v, req);
    ASSERT_EQ(r.Array("Brokers").size(), 1u);
    EXPECT_EQ(r.Array("Brokers")[0].as_struct().Str("Host"), "broker.example");
    EXPECT_EQ(r.Array("Brokers")[0].as_struct().Int("Port"), 19092);
    ASSERT_EQ(r.Array("Topics").size(), 1u);
    const StructValue& t = r.Array("Topics")[0].as_struct();
    EXPECT_EQ(t.Int("ErrorCode"), 0) << "v" << v;
    EXPECT_EQ(t.Array("Partitions").size(), 3u);
    EXPECT_EQ(t.Array("Partitions")[2].as_struct().Int("PartitionIndex"), 2);
  }
  EXPECT_EQ(broker_.ListTopics().size(), 5u);
}

TEST_F(HandlersTest, MetadataRespectsAllowAutoTopicCreationAndListsAll) {
  StructValue req = NewMessage(kMetadataRequest);
  req.AddStruct("Topics").SetStr("Name", "nope");
  req.SetInt("AllowAutoTopicCreation", 0);
  StructValue r = Ok(ApiKey::kMetadata, 4, req);
  EXPECT_EQ(r.Array("Topics")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kUnknownTopicOrPartition));
  ASSERT_TRUE(broker_.CreateTopic("a", 1, {}).ok());
  ASSERT_TRUE(broker_.CreateTopic("b", 2, {}).ok());
  StructValue all = NewMessage(kMetadataRequest);
  all.SetNull("Topics");
  EXPECT_EQ(Ok(ApiKey::kMetadata, 1, all).Array("Topics").size(), 2u);
  EXPECT_EQ(Ok(ApiKey::kMetadata, 0, NewMessage(kMetadataRequest)).Array("Topics").size(), 2u);
  StructValue bad = NewMessage(kMetadataRequest);
  bad.AddStruct("Topics").SetStr("Name", "bad/name");
  EXPECT_EQ(Ok(ApiKey::kMetadata, 4, bad).Array("Topics")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kInvalidTopicException));
}

TEST_F(HandlersTest, ProduceThenFetchReturnsTheRecords) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  for (int16_t v : {3, 5, 7, 8}) {
    StructValue r = Ok(ApiKey::kProduce, v,
                       ProduceRequest("t", 0, BuildBatch({{"k", "v" + std::to_string(v)}})));
    const StructValue& p = FirstPartition(r, "Responses", "Partitions");
    EXPECT_EQ(p.Int("ErrorCode"), 0);
  }
  for (int16_t v : {4, 7, 11}) {
    StructValue r = Ok(ApiKey::kFetch, v, FetchRequest("t", 0, 1));
    const StructValue& p = FirstPartition(r, "Responses", "PartitionResponses");
    EXPECT_EQ(p.Int("ErrorCode"), 0);
    EXPECT_EQ(p.Int("HighWatermark"), 4);
    EXPECT_EQ(p.Int("LastStableOffset"), 4);
    auto values = DecodeValues(p.Str("RecordSet"));
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[0], std::make_pair(int64_t{1}, std::string("v5")));
    EXPECT_EQ(values[2], std::make_pair(int64_t{3}, std::string("v8")));
  }
}

TEST_F(HandlersTest, ProduceErrorsMapToKafkaCodes) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {{"max.message.bytes", "200"}}).ok());
  auto code = [&](StructValue req, int16_t v = 7) {
    const StructValue resp = Ok(ApiKey::kProduce, v, req);
    return FirstPartition(resp, "Responses", "Partitions").Int("ErrorCode");
  };
  EXPECT_EQ(code(ProduceRequest("missing", 0, BuildBatch({{"k", "v"}}))),
            Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(code(ProduceRequest("t", 5, BuildBatch({{"k", "v"}}))),
            Code(ErrorCode::kUnknownTopicOrPartition));
  std::string corrupt = BuildBatch({{"k", "v"}});
  corrupt.pop_back();
  EXPECT_EQ(code(ProduceRequest("t", 0, corrupt)), Code(ErrorCode::kCorruptMessage));
  std::string magic1 = BuildBatch({{"k", "v"}});
  magic1[16] = 1;
  EXPECT_EQ(code(ProduceRequest("t", 0, magic1)), Code(ErrorCode::kUnsupportedForMessageFormat));
  EXPECT_EQ(code(ProduceRequest("t", 0, BuildBatch({{"k", std::string(2 << 20, 'x')}}))),
            Code(ErrorCode::kMessageTooLarge));
  EXPECT_EQ(code(ProduceRequest("t", 0, BuildBatch({{"k", "v"}}), 2)),
            Code(ErrorCode::kInvalidRequiredAcks));
  ASSERT_TRUE(broker_.CreateTopic(kOffsetsTopic, 1, {}).ok());
  EXPECT_EQ(code(ProduceRequest(kOffsetsTopic, 0, BuildBatch({{"k", "v"}}))),
            Code(ErrorCode::kInvalidTopicException));
  StructValue del = NewMessage(kDeleteTopicsRequest);
  del.MutableArray("TopicNames")->push_back(Value(std::string(kOffsetsTopic)));
  EXPECT_EQ(Ok(ApiKey::kDeleteTopics, 1, del).Array("Responses")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kInvalidTopicException));
  EXPECT_TRUE(broker_.DescribeTopic(kOffsetsTopic).ok());
}

TEST_F(HandlersTest, ProduceWithAcksZeroSendsNoResponseButAppends) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  auto r = Call(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"k", "v"}}), 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(broker_.DescribePartition("t", PartitionId(0))->high_watermark, Offset(1));
}

TEST_F(HandlersTest, FetchOutOfRangeAndUnknown) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  auto code = [&](StructValue req) {
    const StructValue resp = Ok(ApiKey::kFetch, 11, req);
    return FirstPartition(resp, "Responses", "PartitionResponses").Int("ErrorCode");
  };
  EXPECT_EQ(code(FetchRequest("t", 0, 5)), Code(ErrorCode::kOffsetOutOfRange));
  EXPECT_EQ(code(FetchRequest("zzz", 0, 0)), Code(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(HandlersTest, FetchLongPollIsAnsweredByAProduce) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  std::string frame = testing::RequestFrame(ApiKey::kFetch, 11, 5, FetchRequest("t", 0, 0, 30000));
  absl::Notification done;
  RequestProcessor::Outcome outcome;
  processor_.Process(std::string_view(frame).substr(4), [&](RequestProcessor::Outcome o) {
    outcome = std::move(o);
    done.Notify();
  });
  while (broker_.waiting_fetches() == 0) std::this_thread::yield();
  EXPECT_FALSE(done.HasBeenNotified());
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"k", "late"}})));
  done.WaitForNotification();
  ASSERT_TRUE(outcome.ok() && outcome->has_value());
  auto r = testing::ParseResponse(ApiKey::kFetch, 11, **outcome);
  ASSERT_TRUE(r.ok());
  auto values = DecodeValues(FirstPartition(r->body, "Responses", "PartitionResponses").Str("RecordSet"));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].second, "late");
}

TEST_F(HandlersTest, FetchWaitsUntilMinBytesAccumulateAcrossProduces) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  const std::string first = BuildBatch({{"k", std::string(100, 'a')}});
  StructValue req = FetchRequest("t", 0, 0, 30000);
  req.SetInt("MinBytes", static_cast<int64_t>(2 * first.size()));
  std::string frame = testing::RequestFrame(ApiKey::kFetch, 11, 5, req);
  absl::Notification done;
  RequestProcessor::Outcome outcome;
  processor_.Process(std::string_view(frame).substr(4), [&](RequestProcessor::Outcome o) {
    outcome = std::move(o);
    done.Notify();
  });
  while (broker_.waiting_fetches() == 0) std::this_thread::yield();
  // One batch is not MinBytes: the fetch goes on waiting, after that batch.
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, first));
  while (broker_.waiting_fetches() == 0 && !done.HasBeenNotified()) std::this_thread::yield();
  EXPECT_FALSE(done.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"k", std::string(100, 'b')}})));
  done.WaitForNotification();
  ASSERT_TRUE(outcome.ok() && outcome->has_value());
  auto r = testing::ParseResponse(ApiKey::kFetch, 11, **outcome);
  ASSERT_TRUE(r.ok());
  auto values = DecodeValues(FirstPartition(r->body, "Responses", "PartitionResponses").Str("RecordSet"));
  ASSERT_EQ(values.size(), 2u);  // everything there, from the requested offset
  EXPECT_EQ(values[0].second, std::string(100, 'a'));
  EXPECT_EQ(values[1].second, std::string(100, 'b'));
}

TEST_F(HandlersTest, FetchBelowMinBytesAnswersWithWhatThereIsAfterMaxWait) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"k", "small"}})));
  StructValue req = FetchRequest("t", 0, 0, 50);
  req.SetInt("MinBytes", 1 << 20);
  StructValue r = Ok(ApiKey::kFetch, 11, req);
  auto values = DecodeValues(FirstPartition(r, "Responses", "PartitionResponses").Str("RecordSet"));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].second, "small");
}

TEST_F(HandlersTest, FetchOfNoPartitionsIsAnswered) {
  StructValue req = NewMessage(kFetchRequest);
  req.SetInt("ReplicaId", -1);
  req.SetInt("MaxWait", 500);
  req.SetInt("MinBytes", 1);
  StructValue r = Ok(ApiKey::kFetch, 11, req);
  EXPECT_TRUE(r.Array("Responses").empty());
}

TEST_F(HandlersTest, FetchWithoutDataWaitsMaxWaitThenAnswersEmpty) {
  ASSERT_TRUE(broker_.CreateTopic("t", 2, {}).ok());
  StructValue r = Ok(ApiKey::kFetch, 4, FetchRequest("t", 1, 0, 20));
  const StructValue& p = FirstPartition(r, "Responses", "PartitionResponses");
  EXPECT_EQ(p.Int("ErrorCode"), 0);
  EXPECT_EQ(p.Str("RecordSet"), "");
  EXPECT_EQ(p.Int("HighWatermark"), 0);
}

TEST_F(HandlersTest, FetchResponseMaxBytesKeepsFirstPartitionWhole) {
  ASSERT_TRUE(broker_.CreateTopic("t", 2, {}).ok());
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"k", std::string(500, 'a')}})));
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 1, BuildBatch({{"k", std::string(500, 'b')}})));
  StructValue req = FetchRequest("t", 0, 0);
  req.SetInt("MaxBytes", 100);
  StructValue& p1 = req.MutableArray("Topics")->at(0).mutable_struct()->AddStruct("FetchPartitions");
  p1.SetInt("PartitionIndex", 1);
  p1.SetInt("MaxBytes", 1 << 20);
  StructValue r = Ok(ApiKey::kFetch, 11, req);
  const auto& parts = r.Array("Responses")[0].as_struct().Array("PartitionResponses");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(DecodeValues(parts[0].as_struct().Str("RecordSet")).size(), 1u);
  EXPECT_EQ(parts[1].as_struct().Str("RecordSet"), "");
  EXPECT_EQ(parts[1].as_struct().Int("HighWatermark"), 1);
}

TEST_F(HandlersTest, ListOffsetsEarliestLatestAndByTime) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"a", "1"}, {"b", "2"}}, 1000)));
  Ok(ApiKey::kProduce, 7, ProduceRequest("t", 0, BuildBatch({{"c", "3"}}, 5000)));
  auto offset = [&](int16_t v, int64_t ts) {
    StructValue req = NewMessage(kListOffsetsRequest);
    req.SetInt("ReplicaId", -1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "t");
    StructValue& p = t.AddStruct("Partitions");
    p.SetInt("Timestamp", ts);
    const StructValue resp = Ok(ApiKey::kListOffsets, v, req);
    const StructValue& out = FirstPartition(resp, "Topics", "Partitions");
    EXPECT_EQ(out.Int("ErrorCode"), 0);
    if (v == 0) return out.Array("OldStyleOffsets").empty() ? int64_t{-1}
                                                              : out.Array("OldStyleOffsets")[0].as_int();
    return out.Int("Offset");
  };
  for (int16_t v : {0, 1, 2, 5, 6}) {
    EXPECT_EQ(offset(v, -2), 0) << v;
    EXPECT_EQ(offset(v, -1), 3) << v;
    EXPECT_EQ(offset(v, 1001), 0) << v;
    EXPECT_EQ(offset(v, 4000), 2) << v;
    EXPECT_EQ(offset(v, 9000), -1) << v;
  }
}

TEST_F(HandlersTest, CreateDeleteAndDescribeTopics) {
  StructValue create = NewMessage(kCreateTopicsRequest);
  StructValue& a = create.AddStruct("Topics");
  a.SetStr("Name", "new");
  a.SetInt("NumPartitions", -1);
  a.SetInt("ReplicationFactor", -1);
  StructValue& cfg = a.AddStruct("Configs");
  cfg.SetStr("Name", "retention.ms");
  cfg.SetStr("Value", "1234");
  StructValue& b = create.AddStruct("Topics");
  b.SetStr("Name", "rf3");
  b.SetInt("NumPartitions", 1);
  b.SetInt("ReplicationFactor", 3);
  StructValue r = Ok(ApiKey::kCreateTopics, 4, create);
  EXPECT_EQ(r.Array("Topics")[0].as_struct().Int("ErrorCode"), 0);
  EXPECT_EQ(r.Array("Topics")[1].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kInvalidReplicationFactor));
  EXPECT_EQ(broker_.DescribeTopic("new")->partitions.size(), 3u);
  EXPECT_EQ(Ok(ApiKey::kCreateTopics, 0, create).Array("Topics")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kTopicAlreadyExists));

  StructValue describe = NewMessage(kDescribeConfigsRequest);
  StructValue& res = describe.AddStruct("Resources");
  res.SetInt("ResourceType", 2);
  res.SetStr("ResourceName", "new");
  res.SetNull("ConfigurationKeys");
  StructValue d = Ok(ApiKey::kDescribeConfigs, 1, describe);
  bool found = false;
  for (const Value& c : d.Array("Results")[0].as_struct().Array("Configs")) {
    if (c.as_struct().Str("Name") == "retention.ms") {
      found = true;
      EXPECT_EQ(c.as_struct().Str("Value"), "1234");
      EXPECT_EQ(c.as_struct().Int("ConfigSource"), 1);
    }
  }
  EXPECT_TRUE(found);

  StructValue del = NewMessage(kDeleteTopicsRequest);
  del.MutableArray("TopicNames")->push_back(Value(std::string("new")));
  del.MutableArray("TopicNames")->push_back(Value(std::string("never")));
  StructValue dr = Ok(ApiKey::kDeleteTopics, 4, del);
  EXPECT_EQ(dr.Array("Responses")[0].as_struct().Int("ErrorCode"), 0);
  EXPECT_EQ(dr.Array("Responses")[1].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_TRUE(broker_.ListTopics().empty());
}

TEST_F(HandlersTest, ConsumerGroupRoundTripThroughTheWireFormat) {
  StructValue find = NewMessage(kFindCoordinatorRequest);
  find.SetStr("Key", "g");
  for (int16_t v : {0, 1, 2}) {
    StructValue r = Ok(ApiKey::kFindCoordinator, v, find);
    EXPECT_EQ(r.Int("ErrorCode"), 0);
    EXPECT_EQ(r.Str("Host"), "broker.example");
    EXPECT_EQ(r.Int("Port"), 19092);
  }
  for (int16_t v : {0, 2, 5}) {
    const std::string group = "g" + std::to_string(v);
    StructValue join = NewMessage(kJoinGroupRequest);
    join.SetStr("GroupId", group);
    join.SetInt("SessionTimeoutMs", 10000);
    join.SetStr("ProtocolType", "consumer");
    StructValue& p = join.AddStruct("Protocols");
    p.SetStr("Name", "range");
    p.SetStr("Metadata", "subscription");
    StructValue jr = Ok(ApiKey::kJoinGroup, v, join);
    EXPECT_EQ(jr.Int("ErrorCode"), 0);
    EXPECT_EQ(jr.Int("GenerationId"), 1);
    const std::string member = jr.Str("MemberId");
    EXPECT_EQ(member.rfind("test-client-", 0), 0u) << member;
    EXPECT_EQ(jr.Str("Leader"), member);
    ASSERT_EQ(jr.Array("Members").size(), 1u);
    EXPECT_EQ(jr.Array("Members")[0].as_struct().Str("Metadata"), "subscription");

    StructValue sync = NewMessage(kSyncGroupRequest);
    sync.SetStr("GroupId", group);
    sync.SetInt("GenerationId", 1);
    sync.SetStr("MemberId", member);
    StructValue& a = sync.AddStruct("Assignments");
    a.SetStr("MemberId", member);
    a.SetStr("Assignment", "t:0");
    StructValue sr = Ok(ApiKey::kSyncGroup, std::min<int16_t>(v, 3), sync);
    EXPECT_EQ(sr.Int("ErrorCode"), 0);
    EXPECT_EQ(sr.Str("Assignment"), "t:0");

    StructValue hb = NewMessage(kHeartbeatRequest);
    hb.SetStr("GroupId", group);
    hb.SetInt("GenerationId", 1);
    hb.SetStr("MemberId", member);
    EXPECT_EQ(Ok(ApiKey::kHeartbeat, std::min<int16_t>(v, 3), hb).Int("ErrorCode"), 0);

    StructValue commit = NewMessage(kOffsetCommitRequest);
    commit.SetStr("GroupId", group);
    commit.SetInt("GenerationId", 1);
    commit.SetStr("MemberId", member);
    StructValue& ct = commit.AddStruct("Topics");
    ct.SetStr("Name", "t");
    StructValue& cp = ct.AddStruct("Partitions");
    cp.SetInt("CommittedOffset", 17);
    cp.SetStr("CommittedMetadata", "meta");
    const int16_t commit_version = v == 0 ? 2 : 7;
    StructValue cr = Ok(ApiKey::kOffsetCommit, commit_version, commit);
    EXPECT_EQ(FirstPartition(cr, "Topics", "Partitions").Int("ErrorCode"), 0);

    StructValue fetch = NewMessage(kOffsetFetchRequest);
    fetch.SetStr("GroupId", group);
    StructValue& ft = fetch.AddStruct("Topics");
    ft.SetStr("Name", "t");
    ft.MutableArray("PartitionIndexes")->push_back(Value(int64_t{0}));
    ft.MutableArray("PartitionIndexes")->push_back(Value(int64_t{1}));
    StructValue fr = Ok(ApiKey::kOffsetFetch, v, fetch);
    const auto& parts = fr.Array("Topics")[0].as_struct().Array("Partitions");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].as_struct().Int("CommittedOffset"), 17);
    EXPECT_EQ(parts[0].as_struct().Str("Metadata"), "meta");
    EXPECT_EQ(parts[1].as_struct().Int("CommittedOffset"), -1);

    StructValue leave = NewMessage(kLeaveGroupRequest);
    leave.SetStr("GroupId", group);
    leave.SetStr("MemberId", member);
    EXPECT_EQ(Ok(ApiKey::kLeaveGroup, std::min<int16_t>(v, 2), leave).Int("ErrorCode"), 0);
    EXPECT_EQ(Ok(ApiKey::kHeartbeat, 0, hb).Int("ErrorCode"), Code(ErrorCode::kUnknownMemberId));
  }
}

TEST_F(HandlersTest, ListAndDescribeGroupsReportStateAndMembers) {
  StructValue join = NewMessage(kJoinGroupRequest);
  join.SetStr("GroupId", "g");
  join.SetInt("SessionTimeoutMs", 10000);
  join.SetStr("ProtocolType", "consumer");
  StructValue& p = join.AddStruct("Protocols");
  p.SetStr("Name", "range");
  p.SetStr("Metadata", "subscription");
  const std::string member = Ok(ApiKey::kJoinGroup, 5, join).Str("MemberId");

  StructValue describe = NewMessage(kDescribeGroupsRequest);
  describe.MutableArray("Groups")->push_back(Value(std::string("g")));
  describe.MutableArray("Groups")->push_back(Value(std::string("nope")));
  // Joined, not yet synced: the protocol is chosen, the assignment not yet.
  StructValue before = Ok(ApiKey::kDescribeGroups, 0, describe);
  const StructValue& g0 = before.Array("Groups")[0].as_struct();
  EXPECT_EQ(g0.Str("GroupState"), "CompletingRebalance");
  ASSERT_EQ(g0.Array("Members").size(), 1u);
  EXPECT_EQ(g0.Array("Members")[0].as_struct().Str("MemberAssignment"), "");

  StructValue sync = NewMessage(kSyncGroupRequest);
  sync.SetStr("GroupId", "g");
  sync.SetInt("GenerationId", 1);
  sync.SetStr("MemberId", member);
  StructValue& a = sync.AddStruct("Assignments");
  a.SetStr("MemberId", member);
  a.SetStr("Assignment", "t:0");
  ASSERT_EQ(Ok(ApiKey::kSyncGroup, 3, sync).Int("ErrorCode"), 0);

  for (int16_t v = 0; v <= 2; ++v) {
    StructValue list = Ok(ApiKey::kListGroups, v, NewMessage(kListGroupsRequest));
    EXPECT_EQ(list.Int("ErrorCode"), 0);
    ASSERT_EQ(list.Array("Groups").size(), 1u);
    EXPECT_EQ(list.Array("Groups")[0].as_struct().Str("GroupId"), "g");
    EXPECT_EQ(list.Array("Groups")[0].as_struct().Str("ProtocolType"), "consumer");
  }
  for (int16_t v = 0; v <= 4; ++v) {
    StructValue r = Ok(ApiKey::kDescribeGroups, v, describe);
    ASSERT_EQ(r.Array("Groups").size(), 2u);
    const StructValue& g = r.Array("Groups")[0].as_struct();
    EXPECT_EQ(g.Int("ErrorCode"), 0);
    EXPECT_EQ(g.Str("GroupId"), "g");
    EXPECT_EQ(g.Str("GroupState"), "Stable");
    EXPECT_EQ(g.Str("ProtocolType"), "consumer");
    EXPECT_EQ(g.Str("ProtocolData"), "range");
    ASSERT_EQ(g.Array("Members").size(), 1u);
    const StructValue& m = g.Array("Members")[0].as_struct();
    EXPECT_EQ(m.Str("MemberId"), member);
    EXPECT_EQ(member.rfind(m.Str("ClientId") + "-", 0), 0u) << m.Str("ClientId");
    EXPECT_FALSE(m.Str("ClientId").empty());
    EXPECT_EQ(m.Str("MemberMetadata"), "subscription");
    EXPECT_EQ(m.Str("MemberAssignment"), "t:0");
    const StructValue& unknown = r.Array("Groups")[1].as_struct();
    EXPECT_EQ(unknown.Str("GroupId"), "nope");
    EXPECT_EQ(unknown.Str("GroupState"), "Dead");
    EXPECT_TRUE(unknown.Array("Members").empty());
  }

  StructValue leave = NewMessage(kLeaveGroupRequest);
  leave.SetStr("GroupId", "g");
  leave.SetStr("MemberId", member);
  ASSERT_EQ(Ok(ApiKey::kLeaveGroup, 2, leave).Int("ErrorCode"), 0);
  const StructValue after = Ok(ApiKey::kDescribeGroups, 4, describe);
  EXPECT_EQ(after.Array("Groups")[0].as_struct().Str("GroupState"), "Empty");
  EXPECT_TRUE(after.Array("Groups")[0].as_struct().Array("Members").empty());
}

}  // namespace
}  // namespace rtai::kafka

namespace rtai::kafka {
namespace {

// Over a broker without a transaction coordinator (the in-memory test
// broker) every transaction API answers COORDINATOR_NOT_AVAILABLE, a
// retriable error, instead of failing the connection.
TEST_F(HandlersTest, TransactionApisWithoutACoordinatorAreUnavailable) {
  StructValue find = NewMessage(kFindCoordinatorRequest);
  find.SetStr("Key", "tx");
  find.SetInt("KeyType", 1);
  EXPECT_EQ(Ok(ApiKey::kFindCoordinator, 1, find).Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  find.SetInt("KeyType", 7);
  EXPECT_EQ(Ok(ApiKey::kFindCoordinator, 1, find).Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  StructValue init = NewMessage(kInitProducerIdRequest);
  init.SetStr("TransactionalId", "tx");
  init.SetInt("TransactionTimeoutMs", 1000);
  EXPECT_EQ(Ok(ApiKey::kInitProducerId, 0, init).Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  StructValue end = NewMessage(kEndTxnRequest);
  end.SetStr("TransactionalId", "tx");
  EXPECT_EQ(Ok(ApiKey::kEndTxn, 1, end).Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  StructValue add = NewMessage(kAddOffsetsToTxnRequest);
  add.SetStr("TransactionalId", "tx");
  add.SetStr("GroupId", "g");
  EXPECT_EQ(Ok(ApiKey::kAddOffsetsToTxn, 0, add).Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  StructValue parts = NewMessage(kAddPartitionsToTxnRequest);
  parts.SetStr("TransactionalId", "tx");
  StructValue& t = parts.AddStruct("Topics");
  t.SetStr("Name", "x");
  t.MutableArray("Partitions")->push_back(Value(int64_t{0}));
  StructValue r = Ok(ApiKey::kAddPartitionsToTxn, 0, parts);
  EXPECT_EQ(r.Array("Results")[0].as_struct().Array("Results")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
  StructValue commit = NewMessage(kTxnOffsetCommitRequest);
  commit.SetStr("TransactionalId", "tx");
  commit.SetStr("GroupId", "g");
  StructValue& ct = commit.AddStruct("Topics");
  ct.SetStr("Name", "x");
  ct.AddStruct("Partitions").SetStr("CommittedMetadata", "");
  StructValue cr = Ok(ApiKey::kTxnOffsetCommit, 2, commit);
  EXPECT_EQ(cr.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode"),
            Code(ErrorCode::kCoordinatorNotAvailable));
}

}  // namespace
}  // namespace rtai::kafka
