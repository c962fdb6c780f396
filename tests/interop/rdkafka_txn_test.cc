// Kafka transactions through librdkafka's C++ API (Debian's librdkafka++)
// against a real rtaid: commit and abort across two partitions with
// read_committed / read_uncommitted consumers, several transactions in a
// row, and fencing of a producer by a second one with the same
// transactional.id.

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/crash/rtaid_process.h"
#include "tests/interop/rdkafka_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::testing {
namespace {

constexpr int kTimeoutMs = 60000;

class RdKafkaTxnTest : public ::testing::Test {
 protected:
  RdKafkaTxnTest() : rtaid_(RTAID_BINARY, dir_.path() + "/data", dir_.path() + "/rtaid.log") {}

  void SetUp() override {
    const absl::Status s =
        rtaid_.Start("127.0.0.1:0", {"--kafka-num-partitions", "2"}, absl::Seconds(60));
    ASSERT_TRUE(s.ok()) << s;
    bootstrap_ = absl::StrCat("127.0.0.1:", KafkaPortFromLog(dir_.path() + "/rtaid.log"));
  }

  std::unique_ptr<RdKafka::Producer> TxnProducer(const std::string& id) {
    auto conf = MakeConf({{"bootstrap.servers", bootstrap_},
                          {"transactional.id", id},
                          {"transaction.timeout.ms", "60000"}});
    std::string err;
    std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
    EXPECT_NE(p, nullptr) << err;
    if (p == nullptr) return p;
    std::unique_ptr<RdKafka::Error> e(p->init_transactions(kTimeoutMs));
    EXPECT_EQ(e, nullptr) << e->str();
    return p;
  }

  // Produces "<prefix>-<i>" round robin over partitions 0 and 1 and flushes.
  static void Produce(RdKafka::Producer* p, const std::string& topic, const std::string& prefix,
                      int n) {
    for (int i = 0; i < n; ++i) {
      std::string v = absl::StrCat(prefix, "-", i);
      ASSERT_EQ(p->produce(topic, i % 2, RdKafka::Producer::RK_MSG_COPY, v.data(), v.size(),
                           nullptr, 0, 0, nullptr),
                RdKafka::ERR_NO_ERROR);
    }
    ASSERT_EQ(p->flush(kTimeoutMs), RdKafka::ERR_NO_ERROR);
  }

  // Every value of `topic` (2 partitions) at `isolation`, sorted.
  std::vector<std::string> ReadAll(const std::string& topic, const std::string& isolation) {
    auto conf = MakeConf({{"bootstrap.servers", bootstrap_},
                          {"group.id", "reader-" + isolation},
                          {"isolation.level", isolation},
                          {"enable.auto.commit", "false"}});
    std::string err;
    std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
    EXPECT_NE(c, nullptr) << err;
    std::vector<RdKafka::TopicPartition*> parts = {RdKafka::TopicPartition::create(topic, 0, 0),
                                                   RdKafka::TopicPartition::create(topic, 1, 0)};
    EXPECT_EQ(c->assign(parts), RdKafka::ERR_NO_ERROR);
    RdKafka::TopicPartition::destroy(parts);
    std::vector<std::string> out;
    // Until 3 s pass without a record after the first one (at most 60 s).
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    absl::Time idle_until = give_up;
    while (absl::Now() < idle_until) {
      std::unique_ptr<RdKafka::Message> m(c->consume(200));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      out.emplace_back(static_cast<const char*>(m->payload()), m->len());
      idle_until = std::min(give_up, absl::Now() + absl::Seconds(3));
    }
    c->close();
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<std::string> Names(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(absl::StrCat(prefix, "-", i));
    return out;
  }

  TempDir dir_;
  RtaidProcess rtaid_;
  std::string bootstrap_;
};

TEST_F(RdKafkaTxnTest, ReadCommittedSeesExactlyTheCommittedTransactions) {
  ASSERT_EQ(CreateTopicViaMetadata(bootstrap_, "txn-out"), 2);
  auto p = TxnProducer("cpp-txn");
  ASSERT_NE(p, nullptr);
  std::vector<std::string> committed, all;
  for (int round = 0; round < 4; ++round) {
    const std::string prefix = absl::StrCat("r", round);
    std::unique_ptr<RdKafka::Error> e(p->begin_transaction());
    ASSERT_EQ(e, nullptr) << e->str();
    Produce(p.get(), "txn-out", prefix, 25);
    const bool commit = round != 2;
    e.reset(commit ? p->commit_transaction(kTimeoutMs) : p->abort_transaction(kTimeoutMs));
    ASSERT_EQ(e, nullptr) << e->str();
    for (const std::string& v : Names(prefix, 25)) {
      all.push_back(v);
      if (commit) committed.push_back(v);
    }
  }
  std::sort(committed.begin(), committed.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(ReadAll("txn-out", "read_committed"), committed);
  EXPECT_EQ(ReadAll("txn-out", "read_uncommitted"), all);
}

TEST_F(RdKafkaTxnTest, ASecondProducerFencesTheFirst) {
  ASSERT_EQ(CreateTopicViaMetadata(bootstrap_, "fenced"), 2);
  auto first = TxnProducer("cpp-fence");
  ASSERT_NE(first, nullptr);
  std::unique_ptr<RdKafka::Error> e(first->begin_transaction());
  ASSERT_EQ(e, nullptr);
  Produce(first.get(), "fenced", "zombie", 4);
  auto second = TxnProducer("cpp-fence");  // aborts the first's transaction
  ASSERT_NE(second, nullptr);
  e.reset(first->commit_transaction(kTimeoutMs));
  ASSERT_NE(e, nullptr) << "the fenced producer committed";
  EXPECT_TRUE(e->is_fatal() || e->txn_requires_abort()) << e->str();
  e.reset(second->begin_transaction());
  ASSERT_EQ(e, nullptr);
  Produce(second.get(), "fenced", "ok", 4);
  e.reset(second->commit_transaction(kTimeoutMs));
  ASSERT_EQ(e, nullptr) << e->str();
  EXPECT_EQ(ReadAll("fenced", "read_committed"), Names("ok", 4));
}

}  // namespace
}  // namespace rtai::testing
