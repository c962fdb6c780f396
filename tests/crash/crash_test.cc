// Crash test: the real rtaid is SIGKILLed at random moments (seeded) while
// several clients produce with acks=all. After every restart, each
// acknowledged record must be present exactly once at its acknowledged
// offset, and every partition's offsets must run contiguously from 0.
// Two topics: "crash" (flush.policy=per-write) and "crash-interval"
// (flush.policy=interval). SIGKILL keeps the page cache, so both must keep
// every acknowledged record; power loss (only per-write survives it) is
// covered by the fault-injection tests of broker/core and broker/log.
// Seed: RTAI_CRASH_SEED (default 20261125); it is printed on failure.

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/random.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "proto/broker.grpc.pb.h"
#include "tests/crash/rtaid_process.h"
#include "tests/testing/temp_dir.h"

namespace rtai::testing {
namespace {

constexpr int kPartitions = 3;
constexpr int kClients = 4;
constexpr int kCrashes = 5;

constexpr const char* kTopics[] = {"crash", "crash-interval"};

struct Acked {
  int topic;  // index into kTopics
  int32_t partition;
  int64_t offset;
  std::string value;
};

std::unique_ptr<v1::BrokerService::Stub> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return v1::BrokerService::NewStub(grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), args));
}

// Produces unique values until `stop`, recording what was acknowledged.
void ProduceLoop(const std::string& address, int client, uint64_t seed,
                 int round, std::atomic<bool>& stop, absl::Mutex& mu,
                 std::vector<Acked>& acked) {
  auto stub = Connect(address);
  Random rnd(seed * 1000 + client * 10 + round);
  for (int64_t seq = 0; !stop; ++seq) {
    v1::ProduceRequest req;
    const int topic = static_cast<int>(rnd.Uniform(2));
    req.set_topic(kTopics[topic]);
    req.set_partition(static_cast<int32_t>(rnd.Uniform(kPartitions)));
    const int n = 1 + static_cast<int>(rnd.Uniform(20));
    for (int i = 0; i < n; ++i) {
      req.add_records()->set_value(
          absl::StrCat("r", round, "-c", client, "-", seq, "-", i));
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::ProduceResponse resp;
    grpc::Status s = stub->Produce(&ctx, req, &resp);
    if (!s.ok()) {
      absl::SleepFor(absl::Milliseconds(10));  // back off while rtaid is down
      continue;
    }
    absl::MutexLock l(&mu);
    for (int i = 0; i < n; ++i) {
      acked.push_back({topic, resp.positions(i).partition(),
                       resp.positions(i).offset(), req.records(i).value()});
    }
  }
}

// Reads a whole partition through Fetch.
std::vector<std::pair<int64_t, std::string>> ReadAll(
    v1::BrokerService::Stub& stub, const char* topic, int32_t partition) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (;;) {
    v1::FetchRequest req;
    req.set_topic(topic);
    req.set_partition(partition);
    req.set_offset(out.empty() ? 0 : out.back().first + 1);
    grpc::ClientContext ctx;
    v1::FetchResponse resp;
    grpc::Status s = stub.Fetch(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok() || resp.records_size() == 0) return out;
    for (const auto& r : resp.records())
      out.emplace_back(r.offset(), r.value());
  }
}

void VerifyPartition(v1::BrokerService::Stub& stub, int t, int32_t p,
                     const std::vector<Acked>& acked, uint64_t seed) {
  auto records = ReadAll(stub, kTopics[t], p);
  std::map<std::string, int> count;
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].first, static_cast<int64_t>(i))
        << "offsets not contiguous in " << kTopics[t] << "-" << p << " (seed "
        << seed << ")";
    count[records[i].second]++;
  }
  for (const Acked& a : acked) {
    if (a.topic != t || a.partition != p) continue;
    ASSERT_LT(a.offset, static_cast<int64_t>(records.size()))
        << "acknowledged offset " << a.offset << " of " << kTopics[t] << "-"
        << p << " lost (seed " << seed << ")";
    EXPECT_EQ(records[a.offset].second, a.value) << "seed " << seed;
    EXPECT_EQ(count[a.value], 1)
        << a.value << " not exactly once (seed " << seed << ")";
  }
}

void Verify(const std::string& address, const std::vector<Acked>& acked,
            uint64_t seed) {
  auto stub = Connect(address);
  for (int t = 0; t < 2; ++t) {
    for (int32_t p = 0; p < kPartitions; ++p)
      VerifyPartition(*stub, t, p, acked, seed);
  }
}

TEST(CrashTest, AcknowledgedRecordsSurviveSigkill) {
  uint64_t seed = 20261125;
  if (const char* s = std::getenv("RTAI_CRASH_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  TempDir dir;
  RtaidProcess rtaid(RTAID_BINARY, dir.path() + "/data",
                     dir.path() + "/rtaid.log");
  ASSERT_TRUE(rtaid.Start("127.0.0.1:0").ok());
  const std::string address = rtaid.address();
  for (int t = 0; t < 2; ++t) {
    auto stub = Connect(address);
    v1::CreateTopicRequest req;
    req.set_name(kTopics[t]);
    req.set_partitions(kPartitions);
    (*req.mutable_configs())["segment.bytes"] = "16384";  // many segment rolls
    (*req.mutable_configs())["flush.policy"] =
        t == 0 ? "per-write" : "interval";
    (*req.mutable_configs())["flush.ms"] = "50";
    grpc::ClientContext ctx;
    v1::CreateTopicResponse resp;
    ASSERT_TRUE(stub->CreateTopic(&ctx, req, &resp).ok());
  }
  Random rnd(seed);
  absl::Mutex mu;
  std::vector<Acked> acked;
  for (int round = 0; round < kCrashes; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back(ProduceLoop, address, c, seed, round, std::ref(stop),
                           std::ref(mu), std::ref(acked));
    }
    absl::SleepFor(
        absl::Milliseconds(100 + rnd.Uniform(500)));  // the random crash moment
    rtaid.Stop(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_TRUE(rtaid.Start(address).ok()) << "restart " << round;
    Verify(address, acked, seed);
    if (::testing::Test::HasFatalFailure()) return;
  }
  absl::MutexLock l(&mu);
  EXPECT_GT(acked.size(), 100u) << "too little was produced to mean anything";
  std::cerr << "crash test: " << acked.size() << " acknowledged records, "
            << kCrashes << " SIGKILLs, seed " << seed << "\n";
}

}  // namespace
}  // namespace rtai::testing
