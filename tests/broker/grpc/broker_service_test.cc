// BrokerService over an in-process gRPC server on 127.0.0.1:0.

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "broker/core/broker.h"
#include "broker/grpc/grpc_server.h"
#include "broker/grpc/partitioner.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::testing::HasSubstr;

class BrokerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerOptions o;
    o.data_dir = dir_.path();
    o.retention_check_interval_ms = retention_check_interval_ms_;
    auto b = Broker::Open(o, DefaultFileSystem(), SystemClock());
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
    GrpcServerOptions so;
    so.listen_address = "127.0.0.1:0";
    auto s = GrpcServer::Start(so, broker_.get(), SystemClock());
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(
        64 << 20);  // so oversized requests reach the server
    args.SetMaxReceiveMessageSize(64 << 20);
    stub_ = v1::BrokerService::NewStub(grpc::CreateCustomChannel(
        server_->address(), grpc::InsecureChannelCredentials(), args));
  }
  void TearDown() override {
    server_->Shutdown();
    broker_->Shutdown();
  }

  grpc::Status Create(const std::string& name, int partitions,
                      std::map<std::string, std::string> configs = {}) {
    v1::CreateTopicRequest req;
    req.set_name(name);
    req.set_partitions(partitions);
    for (auto& [k, v] : configs) (*req.mutable_configs())[k] = v;
    grpc::ClientContext ctx;
    v1::CreateTopicResponse resp;
    return stub_->CreateTopic(&ctx, req, &resp);
  }
  grpc::Status Produce(const v1::ProduceRequest& req,
                       v1::ProduceResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->Produce(&ctx, req, resp);
  }
  grpc::Status Fetch(const std::string& topic, int partition, int64_t offset,
                     v1::FetchResponse* resp, int64_t wait_ms = 0) {
    v1::FetchRequest req;
    req.set_topic(topic);
    req.set_partition(partition);
    req.set_offset(offset);
    req.set_max_wait_ms(wait_ms);
    grpc::ClientContext ctx;
    return stub_->Fetch(&ctx, req, resp);
  }
  // The server still answers a good request.
  void ExpectServing() {
    grpc::ClientContext ctx;
    v1::ListTopicsResponse resp;
    EXPECT_TRUE(stub_->ListTopics(&ctx, v1::ListTopicsRequest(), &resp).ok());
  }
  static v1::ProduceRequest Values(const std::string& topic,
                                   const std::vector<std::string>& values) {
    v1::ProduceRequest req;
    req.set_topic(topic);
    for (const std::string& v : values) req.add_records()->set_value(v);
    return req;
  }

  int64_t retention_check_interval_ms_ = 30000;
  ::rtai::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<v1::BrokerService::Stub> stub_;
};

TEST_F(BrokerServiceTest, TopicLifecycle) {
  ASSERT_TRUE(Create("b", 3, {{"retention.ms", "60000"}}).ok());
  ASSERT_TRUE(Create("a", 1).ok());
  {
    grpc::ClientContext ctx;
    v1::ListTopicsResponse resp;
    ASSERT_TRUE(stub_->ListTopics(&ctx, {}, &resp).ok());
    EXPECT_THAT(resp.names(), ::testing::ElementsAre("a", "b"));
  }
  {
    v1::DescribeTopicRequest req;
    req.set_name("b");
    grpc::ClientContext ctx;
    v1::DescribeTopicResponse resp;
    ASSERT_TRUE(stub_->DescribeTopic(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.name(), "b");
    EXPECT_EQ(resp.topic_id().size(), 32u);
    ASSERT_EQ(resp.partitions_size(), 3);
    EXPECT_EQ(resp.partitions(2).partition(), 2);
    EXPECT_EQ(resp.partitions(2).high_watermark(), 0);
    EXPECT_GE(resp.partitions(2).segment_count(), 1);
    EXPECT_EQ(resp.configs().at("retention.ms"), "60000");
  }
  {
    v1::DeleteTopicRequest req;
    req.set_name("b");
    grpc::ClientContext ctx;
    v1::DeleteTopicResponse resp;
    ASSERT_TRUE(stub_->DeleteTopic(&ctx, req, &resp).ok());
    grpc::ClientContext ctx2;
    EXPECT_EQ(stub_->DeleteTopic(&ctx2, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

TEST_F(BrokerServiceTest, ProduceAndFetchKeepKeysValuesHeadersAndTimestamps) {
  ASSERT_TRUE(Create("t", 1).ok());
  v1::ProduceRequest req;
  req.set_topic("t");
  req.set_partition(0);
  v1::Record* r0 = req.add_records();
  r0->set_key("k0");
  r0->set_value(std::string("v\0zero", 6));
  r0->set_timestamp_ms(1234);
  v1::Header* h = r0->add_headers();
  h->set_key("trace");
  h->set_value("abc");
  r0->add_headers()->set_key("null-valued");
  v1::Record* r1 = req.add_records();  // null key, null value
  (void)r1;
  v1::ProduceResponse resp;
  ASSERT_TRUE(Produce(req, &resp).ok());
  ASSERT_EQ(resp.positions_size(), 2);
  EXPECT_EQ(resp.positions(0).offset(), 0);
  EXPECT_EQ(resp.positions(1).offset(), 1);

  v1::FetchResponse f;
  ASSERT_TRUE(Fetch("t", 0, 0, &f).ok());
  EXPECT_EQ(f.high_watermark(), 2);
  ASSERT_EQ(f.records_size(), 2);
  EXPECT_EQ(f.records(0).key(), "k0");
  EXPECT_EQ(f.records(0).value(), std::string("v\0zero", 6));
  EXPECT_EQ(f.records(0).timestamp_ms(), 1234);
  ASSERT_EQ(f.records(0).headers_size(), 2);
  EXPECT_EQ(f.records(0).headers(0).key(), "trace");
  EXPECT_EQ(f.records(0).headers(0).value(), "abc");
  EXPECT_FALSE(f.records(0).headers(1).has_value());
  EXPECT_FALSE(f.records(1).has_key());
  EXPECT_FALSE(f.records(1).has_value());
  EXPECT_GT(f.records(1).timestamp_ms(), 1'600'000'000'000);  // stamped "now"
  v1::FetchResponse from1;
  ASSERT_TRUE(Fetch("t", 0, 1, &from1).ok());
  ASSERT_EQ(from1.records_size(), 1);
  EXPECT_EQ(from1.records(0).offset(), 1);
}

TEST_F(BrokerServiceTest, KeyedRecordsGoWhereKafkaWouldPutThem) {
  ASSERT_TRUE(Create("t", 5).ok());
  v1::ProduceRequest req;
  req.set_topic("t");
  for (int i = 0; i < 50; ++i) {
    v1::Record* r = req.add_records();
    r->set_key("key-" + std::to_string(i % 10));
    r->set_value(std::to_string(i));
  }
  v1::ProduceResponse resp;
  ASSERT_TRUE(Produce(req, &resp).ok());
  std::map<int, int64_t> next_offset;
  for (int i = 0; i < 50; ++i) {
    const int p = resp.positions(i).partition();
    EXPECT_EQ(p, KafkaPartitionForKey("key-" + std::to_string(i % 10), 5));
    // Offsets within a partition follow request order.
    EXPECT_EQ(resp.positions(i).offset(), next_offset[p]++);
  }
}

TEST_F(BrokerServiceTest, UnkeyedRecordsSpreadRoundRobin) {
  ASSERT_TRUE(Create("t", 4).ok());
  v1::ProduceResponse resp;
  ASSERT_TRUE(
      Produce(Values("t", std::vector<std::string>(40, "x")), &resp).ok());
  std::map<int, int> per_partition;
  for (const auto& pos : resp.positions()) per_partition[pos.partition()]++;
  EXPECT_EQ(per_partition.size(), 4u);
  for (auto& [p, n] : per_partition) EXPECT_EQ(n, 10) << p;
}

TEST_F(BrokerServiceTest, ManyRecordsPerCallAreSplitIntoBatches) {
  ASSERT_TRUE(Create("t", 1, {{"max.message.bytes", "10000"}}).ok());
  std::vector<std::string> values;
  for (int i = 0; i < 20000; ++i)
    values.push_back("value-" + std::to_string(i));
  v1::ProduceRequest req = Values("t", values);
  req.set_partition(0);
  v1::ProduceResponse resp;
  ASSERT_TRUE(Produce(req, &resp).ok());
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(resp.positions(i).offset(), i);
  int64_t offset = 0;
  while (offset < 20000) {
    v1::FetchResponse f;
    ASSERT_TRUE(Fetch("t", 0, offset, &f).ok());
    ASSERT_GT(f.records_size(), 0);
    for (const auto& r : f.records()) {
      ASSERT_EQ(r.offset(), offset);
      ASSERT_EQ(r.value(), "value-" + std::to_string(offset));
      ++offset;
    }
  }
}

TEST_F(BrokerServiceTest, AcksNoneAnswersWithoutOffsets) {
  ASSERT_TRUE(Create("t", 1).ok());
  v1::ProduceRequest req = Values("t", {"a"});
  req.set_acks(v1::ACKS_NONE);
  v1::ProduceResponse resp;
  ASSERT_TRUE(Produce(req, &resp).ok());
  EXPECT_EQ(resp.positions(0).offset(), -1);
  v1::FetchResponse f;
  ASSERT_TRUE(Fetch("t", 0, 0, &f, 10000).ok());
  EXPECT_EQ(f.records_size(), 1);
}

TEST_F(BrokerServiceTest, BadInputGetsClearStatusAndServerKeepsServing) {
  ASSERT_TRUE(Create("t", 2, {{"max.message.bytes", "1000"}}).ok());
  struct Case {
    std::string what;
    grpc::Status status;
    grpc::StatusCode want;
    std::string needle;
  };
  v1::ProduceResponse presp;
  v1::FetchResponse fresp;
  v1::ProduceRequest unknown_partition = Values("t", {"x"});
  unknown_partition.set_partition(7);
  v1::ProduceRequest huge = Values("t", {std::string(20 << 20, 'x')});
  v1::ProduceRequest too_large = Values("t", {std::string(5000, 'x')});
  v1::ProduceRequest bad_acks = Values("t", {"x"});
  bad_acks.set_acks(static_cast<v1::Acks>(7));
  v1::DescribeTopicRequest describe_missing;
  describe_missing.set_name("missing");
  v1::DescribeTopicResponse dresp;
  grpc::ClientContext dctx;
  std::vector<Case> cases = {
      {"empty records", Produce(Values("t", {}), &presp),
       grpc::StatusCode::INVALID_ARGUMENT, "no records"},
      {"huge message", Produce(huge, &presp),
       grpc::StatusCode::RESOURCE_EXHAUSTED, ""},
      {"record > max.message.bytes", Produce(too_large, &presp),
       grpc::StatusCode::INVALID_ARGUMENT, "max.message.bytes"},
      {"unknown topic produce", Produce(Values("nope", {"x"}), &presp),
       grpc::StatusCode::NOT_FOUND, "unknown topic"},
      {"unknown partition", Produce(unknown_partition, &presp),
       grpc::StatusCode::NOT_FOUND, "no partition 7"},
      {"unknown topic fetch", Fetch("nope", 0, 0, &fresp),
       grpc::StatusCode::NOT_FOUND, "unknown topic"},
      {"negative offset", Fetch("t", 0, -1, &fresp),
       grpc::StatusCode::INVALID_ARGUMENT, "negative"},
      {"negative partition", Fetch("t", -1, 0, &fresp),
       grpc::StatusCode::INVALID_ARGUMENT, "negative"},
      {"offset past end", Fetch("t", 0, 100, &fresp),
       grpc::StatusCode::OUT_OF_RANGE, "out of range"},
      {"10k partitions", Create("big", 10000),
       grpc::StatusCode::INVALID_ARGUMENT, "out of range"},
      {"invalid name", Create("a/b", 1), grpc::StatusCode::INVALID_ARGUMENT,
       "illegal character"},
      {"empty name", Create("", 1), grpc::StatusCode::INVALID_ARGUMENT,
       "empty"},
      {"exists", Create("t", 1), grpc::StatusCode::ALREADY_EXISTS,
       "already exists"},
      {"bad config", Create("c", 1, {{"flush.policy", "sometimes"}}),
       grpc::StatusCode::INVALID_ARGUMENT, "flush.policy"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), c.want)
        << c.what << ": " << c.status.error_message();
    EXPECT_THAT(c.status.error_message(), HasSubstr(c.needle)) << c.what;
    ExpectServing();
  }
  v1::ProduceResponse ok;
  EXPECT_TRUE(Produce(Values("t", {"fine"}), &ok).ok());
}

TEST_F(BrokerServiceTest, FetchLongPollsUntilAProduce) {
  ASSERT_TRUE(Create("t", 1).ok());
  v1::FetchResponse f;
  grpc::Status fs;
  std::thread fetcher([&] { fs = Fetch("t", 0, 0, &f, 20000); });
  v1::ProduceResponse resp;
  v1::ProduceRequest req = Values("t", {"late"});
  ASSERT_TRUE(Produce(req, &resp).ok());
  fetcher.join();
  ASSERT_TRUE(fs.ok()) << fs.error_message();
  ASSERT_EQ(f.records_size(), 1);
  EXPECT_EQ(f.records(0).value(), "late");
}

TEST_F(BrokerServiceTest,
       SubscribeStreamsExistingAndNewRecordsOfAllPartitions) {
  ASSERT_TRUE(Create("t", 3).ok());
  v1::ProduceResponse resp;
  ASSERT_TRUE(Produce(Values("t", {"a", "b", "c"}), &resp).ok());
  v1::SubscribeRequest req;
  req.set_topic("t");
  req.set_start(v1::SubscribeRequest::EARLIEST);
  grpc::ClientContext ctx;
  auto reader = stub_->Subscribe(&ctx, req);
  std::multiset<std::string> seen;
  v1::SubscribeResponse msg;
  while (seen.size() < 3 && reader->Read(&msg)) {
    for (const auto& r : msg.records()) seen.insert(r.value());
  }
  ASSERT_TRUE(Produce(Values("t", {"d", "e", "f"}), &resp).ok());
  while (seen.size() < 6 && reader->Read(&msg)) {
    for (const auto& r : msg.records()) seen.insert(r.value());
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"a", "b", "c", "d", "e", "f"}));
  ctx.TryCancel();
  while (reader->Read(&msg)) {
  }
  reader->Finish();
  ExpectServing();
}

TEST_F(BrokerServiceTest, ServerShutdownDoesNotWaitForParkedLongPolls) {
  ASSERT_TRUE(Create("t", 1).ok());
  v1::FetchResponse f;
  grpc::Status fs;
  absl::Notification parked;
  std::thread fetcher([&] {
    v1::FetchRequest req;
    req.set_topic("t");
    req.set_max_wait_ms(25000);
    grpc::ClientContext ctx;
    parked.Notify();
    fs = stub_->Fetch(&ctx, req, &f);
  });
  parked.WaitForNotification();
  // Let the call reach the broker; a fetch that has not arrived yet is
  // refused by the shutting-down server, which is fine too.
  absl::SleepFor(absl::Milliseconds(200));
  const absl::Time start = absl::Now();
  server_->Shutdown(/*grace_ms=*/500);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  fetcher.join();
  EXPECT_EQ(f.records_size(), 0);
}

class FastRetentionServiceTest : public BrokerServiceTest {
 protected:
  FastRetentionServiceTest() { retention_check_interval_ms_ = 20; }
};

TEST_F(FastRetentionServiceTest, SubscriberOvertakenByRetentionSkipsAhead) {
  ASSERT_TRUE(
      Create("t", 1, {{"segment.bytes", "1024"}, {"retention.bytes", "2048"}})
          .ok());
  for (int i = 0; i < 40; ++i) {
    v1::ProduceResponse resp;
    ASSERT_TRUE(
        Produce(Values("t", {std::to_string(i) + std::string(200, '.')}), &resp)
            .ok());
  }
  int64_t log_start = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (log_start == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));  // waiting for the retention tick
    log_start =
        broker_->DescribeTopic("t")->partitions[0].log_start_offset.value();
  }
  ASSERT_GT(log_start, 0);
  v1::SubscribeRequest req;
  req.set_topic("t");
  req.set_start(v1::SubscribeRequest::OFFSET);
  req.set_start_offset(0);  // already deleted
  grpc::ClientContext ctx;
  auto reader = stub_->Subscribe(&ctx, req);
  v1::SubscribeResponse msg;
  ASSERT_TRUE(reader->Read(&msg));
  ASSERT_GT(msg.records_size(), 0);
  EXPECT_GE(msg.records(0).offset(), log_start);
  ctx.TryCancel();
  while (reader->Read(&msg)) {
  }
  reader->Finish();
}

TEST_F(BrokerServiceTest, SubscribeErrors) {
  v1::SubscribeRequest req;
  req.set_topic("nope");
  grpc::ClientContext ctx;
  auto reader = stub_->Subscribe(&ctx, req);
  v1::SubscribeResponse msg;
  EXPECT_FALSE(reader->Read(&msg));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Create("t", 1).ok());
  req.set_topic("t");
  req.add_partitions(3);
  grpc::ClientContext ctx2;
  auto reader2 = stub_->Subscribe(&ctx2, req);
  EXPECT_FALSE(reader2->Read(&msg));
  EXPECT_EQ(reader2->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  v1::SubscribeRequest negative;
  negative.set_topic("t");
  negative.set_start(v1::SubscribeRequest::OFFSET);
  negative.set_start_offset(-5);
  grpc::ClientContext ctx3;
  auto reader3 = stub_->Subscribe(&ctx3, negative);
  EXPECT_FALSE(reader3->Read(&msg));
  EXPECT_EQ(reader3->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::SubscribeRequest past_end = negative;
  past_end.set_start_offset(1000);
  grpc::ClientContext ctx4;
  auto reader4 = stub_->Subscribe(&ctx4, past_end);
  EXPECT_FALSE(reader4->Read(&msg));
  EXPECT_EQ(reader4->Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);
  ExpectServing();
}

}  // namespace
}  // namespace rtai::broker
