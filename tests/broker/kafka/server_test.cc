// KafkaServer on 127.0.0.1 with raw sockets: pipelining, limits, hostile
// frames, shutdown with requests in flight.

#include "broker/kafka/kafka_server.h"

#include <gtest/gtest.h>

#include <thread>

#include "broker/kafka/error_codes.h"
#include "tests/broker/kafka/memory_broker.h"
#include "tests/broker/kafka/test_batches.h"
#include "tests/broker/kafka/test_client.h"

namespace rtai::kafka {
namespace {

using testing::MemoryBroker;
using testing::RequestFrame;
using testing::TestSocket;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(KafkaServerOptions options = {}) {
    options.advertised_host = "adv.example";
    server_ = std::make_unique<KafkaServer>(&broker_, options);
    ASSERT_TRUE(server_->Start("127.0.0.1:0").ok());
    ASSERT_GT(server_->port(), 0);
  }
  static std::string ApiVersions(int32_t corr, int16_t v = 0) {
    return RequestFrame(ApiKey::kApiVersions, v, corr, NewMessage(kApiVersionsRequest));
  }
  static int32_t CorrelationOf(const std::optional<std::string>& frame) {
    return frame.has_value() ? LoadBigEndian<int32_t>(frame->data() + 4) : -1;
  }
  std::string LongPollFetch(int32_t corr, const std::string& topic) {
    StructValue req = NewMessage(kFetchRequest);
    req.SetInt("ReplicaId", -1);
    req.SetInt("MaxWait", 30000);
    req.SetInt("MinBytes", 1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", topic);
    StructValue& p = t.AddStruct("FetchPartitions");
    p.SetInt("FetchOffset", 0);
    p.SetInt("MaxBytes", 1 << 20);
    return RequestFrame(ApiKey::kFetch, 11, corr, req);
  }

  MemoryBroker broker_;
  std::unique_ptr<KafkaServer> server_;
};

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInRequestOrder) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  // kafka-python style: ApiVersions v0 and Metadata v0 back to back, then a
  // long poll, then a request that completes immediately.
  StructValue metadata = NewMessage(kMetadataRequest);
  ASSERT_TRUE(s.Send(ApiVersions(1) + RequestFrame(ApiKey::kMetadata, 0, 2, metadata) +
                     LongPollFetch(3, "t") + ApiVersions(4, 3)));
  EXPECT_EQ(CorrelationOf(s.ReadFrame()), 1);
  std::optional<std::string> md = s.ReadFrame();
  ASSERT_EQ(CorrelationOf(md), 2);
  auto parsed = testing::ParseResponse(ApiKey::kMetadata, 0, *md);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->body.Array("Brokers")[0].as_struct().Str("Host"), "adv.example");
  EXPECT_EQ(parsed->body.Array("Brokers")[0].as_struct().Int("Port"), server_->port());
  // Request 4 is done, but must wait for the long poll (3).
  while (broker_.waiting_fetches() == 0) std::this_thread::yield();
  broker_.Produce("t", PartitionId(0), testing::BuildBatch({{"k", "wake"}}), broker::Acks::kLeader,
                  [](absl::StatusOr<broker::AppendInfo> r) { ASSERT_TRUE(r.ok()); });
  std::optional<std::string> fetch = s.ReadFrame();
  ASSERT_EQ(CorrelationOf(fetch), 3);
  auto f = testing::ParseResponse(ApiKey::kFetch, 11, *fetch);
  ASSERT_TRUE(f.ok()) << f.status();
  auto values = testing::DecodeValues(f->body.Array("Responses")[0].as_struct()
                                          .Array("PartitionResponses")[0].as_struct()
                                          .Str("RecordSet"));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].second, "wake");
  EXPECT_EQ(CorrelationOf(s.ReadFrame()), 4);
}

TEST_F(ServerTest, OversizedFrameClosesOnlyThatConnection) {
  KafkaServerOptions options;
  options.max_request_bytes = 4096;
  StartServer(options);
  TestSocket good, bad;
  ASSERT_TRUE(good.Connect(server_->port()));
  ASSERT_TRUE(bad.Connect(server_->port()));
  ASSERT_TRUE(bad.Send(std::string("\x7f\xff\xff\xff", 4)));  // 2 GiB claimed
  EXPECT_TRUE(bad.ClosedByPeer());
  ASSERT_TRUE(good.Send(ApiVersions(9)));
  EXPECT_EQ(CorrelationOf(good.ReadFrame()), 9);
  // Just over the limit is refused as well; negative sizes too.
  TestSocket over, negative;
  ASSERT_TRUE(over.Connect(server_->port()));
  ASSERT_TRUE(over.Send(std::string("\x00\x00\x10\x01", 4)));
  EXPECT_TRUE(over.ClosedByPeer());
  ASSERT_TRUE(negative.Connect(server_->port()));
  ASSERT_TRUE(negative.Send(std::string("\xff\xff\xff\xfe", 4)));
  EXPECT_TRUE(negative.ClosedByPeer());
  ASSERT_TRUE(good.Send(ApiVersions(10)));
  EXPECT_EQ(CorrelationOf(good.ReadFrame()), 10);
}

TEST_F(ServerTest, MalformedFramesCloseOnlyThatConnection) {
  StartServer();
  TestSocket good;
  ASSERT_TRUE(good.Connect(server_->port()));
  const std::string bad_frames[] = {
      std::string("\x00\x00\x00\x08\x00\x4d\x00\x00\x00\x00\x00\x01", 12),  // key 77
      std::string("\x00\x00\x00\x08\x00\x03\x00\x01\x00\x00\x00\x01", 12),  // no client id
      std::string("\x00\x00\x00\x0e\x00\x03\x00\x01\x00\x00\x00\x01\x00\x00"
                  "\x7f\xff\xff\xff", 18),  // 2^31-1 topics in 4 bytes
      std::string("\x00\x00\x00\x04\x00\x03\x00\x01", 8),  // below the minimum size
  };
  for (const std::string& frame : bad_frames) {
    TestSocket bad;
    ASSERT_TRUE(bad.Connect(server_->port()));
    ASSERT_TRUE(bad.Send(frame));
    EXPECT_TRUE(bad.ClosedByPeer());
  }
  ASSERT_TRUE(good.Send(ApiVersions(5, 3)));
  EXPECT_EQ(CorrelationOf(good.ReadFrame()), 5);
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitAreClosed) {
  KafkaServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  auto a = std::make_unique<TestSocket>();
  TestSocket b, c;
  ASSERT_TRUE(a->Connect(server_->port()));
  ASSERT_TRUE(a->Send(ApiVersions(1)));
  EXPECT_EQ(CorrelationOf(a->ReadFrame()), 1);
  ASSERT_TRUE(b.Connect(server_->port()));
  ASSERT_TRUE(b.Send(ApiVersions(2)));
  EXPECT_EQ(CorrelationOf(b.ReadFrame()), 2);
  EXPECT_EQ(server_->connection_count(), 2);
  ASSERT_TRUE(c.Connect(server_->port()));
  EXPECT_TRUE(c.ClosedByPeer());
  a.reset();  // frees a slot once the server sees the EOF
  while (server_->connection_count() > 1) std::this_thread::yield();
  TestSocket d;
  ASSERT_TRUE(d.Connect(server_->port()));
  ASSERT_TRUE(d.Send(ApiVersions(4)));
  EXPECT_EQ(CorrelationOf(d.ReadFrame()), 4);
}

TEST_F(ServerTest, InflightLimitAppliesBackPressureWithoutLosingRequests) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  KafkaServerOptions options;
  options.max_inflight_requests = 2;
  StartServer(options);
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  std::string burst = LongPollFetch(1, "t");
  for (int i = 2; i <= 20; ++i) burst += ApiVersions(i);
  ASSERT_TRUE(s.Send(burst));
  while (broker_.waiting_fetches() == 0) std::this_thread::yield();
  broker_.Produce("t", PartitionId(0), testing::BuildBatch({{"k", "v"}}), broker::Acks::kLeader,
                  [](absl::StatusOr<broker::AppendInfo>) {});
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(CorrelationOf(s.ReadFrame()), i);
}

TEST_F(ServerTest, StopWithALongPollInFlightDropsItsAnswer) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  StartServer();
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(s.Send(LongPollFetch(1, "t")));
  while (broker_.waiting_fetches() == 0) std::this_thread::yield();
  server_->Stop();
  server_.reset();
  EXPECT_TRUE(s.ClosedByPeer());
  // The broker answers the long poll after the server is gone: dropped.
  broker_.Produce("t", PartitionId(0), testing::BuildBatch({{"k", "v"}}), broker::Acks::kLeader,
                  [](absl::StatusOr<broker::AppendInfo>) {});
  EXPECT_EQ(broker_.waiting_fetches(), 0);
}

TEST_F(ServerTest, StartRejectsBadAddresses) {
  KafkaServer server(&broker_, KafkaServerOptions{});
  EXPECT_EQ(server.Start("nonsense").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.Start("127.0.0.1:99999").code(), absl::StatusCode::kInvalidArgument);
  StartServer();
  KafkaServer clash(&broker_, KafkaServerOptions{});
  EXPECT_EQ(clash.Start("127.0.0.1:" + std::to_string(server_->port())).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ServerTest, CommittedOffsetsSurviveAServerRestart) {
  StartServer();
  StructValue commit = NewMessage(kOffsetCommitRequest);
  commit.SetStr("GroupId", "g");
  commit.SetInt("GenerationId", -1);
  StructValue& t = commit.AddStruct("Topics");
  t.SetStr("Name", "t");
  StructValue& p = t.AddStruct("Partitions");
  p.SetInt("PartitionIndex", 2);
  p.SetInt("CommittedOffset", 42);
  {
    TestSocket s;
    ASSERT_TRUE(s.Connect(server_->port()));
    ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kOffsetCommit, 2, 1, commit)));
    std::optional<std::string> frame = s.ReadFrame();
    ASSERT_TRUE(frame.has_value());
    auto r = testing::ParseResponse(ApiKey::kOffsetCommit, 2, *frame);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->body.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int(
                  "ErrorCode"),
              0);
  }
  server_->Stop();
  StartServer();  // a new server (and coordinator) over the same broker
  StructValue fetch = NewMessage(kOffsetFetchRequest);
  fetch.SetStr("GroupId", "g");
  fetch.SetNull("Topics");
  TestSocket s;
  ASSERT_TRUE(s.Connect(server_->port()));
  ASSERT_TRUE(s.Send(RequestFrame(ApiKey::kOffsetFetch, 3, 2, fetch)));
  std::optional<std::string> frame = s.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  auto r = testing::ParseResponse(ApiKey::kOffsetFetch, 3, *frame);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->body.Array("Topics").size(), 1u);
  const StructValue& part = r->body.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct();
  EXPECT_EQ(part.Int("PartitionIndex"), 2);
  EXPECT_EQ(part.Int("CommittedOffset"), 42);
}

TEST_F(ServerTest, RequestMemoryIsChargedBeforeReadingAndWaitsWhenSpent) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  KafkaServerOptions options;
  options.max_request_bytes = 4096;
  options.max_inflight_request_bytes = 8192;
  StartServer(options);
  // Two long polls of 4090 bytes each (padded RackId) hold 8180 bytes.
  StructValue fetch = NewMessage(kFetchRequest);
  fetch.SetInt("ReplicaId", -1);
  fetch.SetInt("MaxWait", 30000);
  fetch.SetInt("MinBytes", 1);
  StructValue& t = fetch.AddStruct("Topics");
  t.SetStr("Name", "t");
  StructValue& p = t.AddStruct("FetchPartitions");
  p.SetInt("MaxBytes", 1 << 20);
  const size_t base = RequestFrame(ApiKey::kFetch, 11, 1, fetch).size() - 4;
  fetch.SetStr("RackId", std::string(4090 - base, 'r'));
  ASSERT_EQ(RequestFrame(ApiKey::kFetch, 11, 1, fetch).size() - 4, 4090u);
  TestSocket a, b;
  ASSERT_TRUE(a.Connect(server_->port()));
  ASSERT_TRUE(b.Connect(server_->port()));
  ASSERT_TRUE(a.Send(RequestFrame(ApiKey::kFetch, 11, 1, fetch) +
                     RequestFrame(ApiKey::kFetch, 11, 2, fetch)));
  while (broker_.waiting_fetches() < 2) std::this_thread::yield();
  ASSERT_TRUE(b.Send(ApiVersions(3)));  // 8180 + its size > 8192: it waits
  while (server_->memory_waiters() == 0) std::this_thread::yield();
  broker_.Produce("t", PartitionId(0), testing::BuildBatch({{"k", "v"}}), broker::Acks::kLeader,
                  [](absl::StatusOr<broker::AppendInfo>) {});
  EXPECT_EQ(CorrelationOf(a.ReadFrame()), 1);
  EXPECT_EQ(CorrelationOf(a.ReadFrame()), 2);
  EXPECT_EQ(CorrelationOf(b.ReadFrame()), 3);
  EXPECT_EQ(server_->memory_waiters(), 0);
}

TEST_F(ServerTest, OptionsRejectABudgetSmallerThanOneRequest) {
  KafkaServerOptions options;
  options.max_inflight_request_bytes = options.max_request_bytes - 1;
  KafkaServer server(&broker_, options);
  EXPECT_EQ(server.Start("127.0.0.1:0").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, IdleAndStalledConnectionsAreClosedButLongPollsAreNot) {
  ASSERT_TRUE(broker_.CreateTopic("t", 1, {}).ok());
  KafkaServerOptions options;
  options.connection_idle_timeout_ms = 100;
  StartServer(options);
  TestSocket silent, stalled, polling;
  ASSERT_TRUE(silent.Connect(server_->port()));
  ASSERT_TRUE(stalled.Connect(server_->port()));
  ASSERT_TRUE(polling.Connect(server_->port()));
  const std::string frame = ApiVersions(1);
  ASSERT_TRUE(stalled.Send(frame.substr(0, frame.size() - 3)));  // never finished
  ASSERT_TRUE(polling.Send(LongPollFetch(7, "t")));
  // Both idle connections are closed by the server (reads return EOF).
  EXPECT_TRUE(silent.ClosedByPeer());
  EXPECT_TRUE(stalled.ClosedByPeer());
  // The long poll (in flight far longer than the idle timeout) survives.
  EXPECT_EQ(broker_.waiting_fetches(), 1);
  broker_.Produce("t", PartitionId(0), testing::BuildBatch({{"k", "v"}}), broker::Acks::kLeader,
                  [](absl::StatusOr<broker::AppendInfo>) {});
  EXPECT_EQ(CorrelationOf(polling.ReadFrame()), 7);
}

}  // namespace
}  // namespace rtai::kafka
