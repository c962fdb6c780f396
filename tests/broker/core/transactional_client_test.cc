// The engine's TransactionalClient over the in-process broker
// (cli/BrokerPartitionClient): commit, abort, idempotent re-commit,
// fencing, timeouts, read_committed skipping aborted data, and what a
// transaction looks like after the broker restarts.

#include <string>
#include <vector>

#include "base/clock.h"
#include "broker/core/broker.h"
#include "broker/txn/transaction_coordinator.h"
#include "cli/broker_partition_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::cli {
namespace {

using engine::io::ClientRecord;
using engine::io::ReadResult;
using engine::io::TxnHandle;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<ClientRecord> Records(const std::vector<std::string>& values) {
  std::vector<ClientRecord> out;
  for (const std::string& v : values) {
    ClientRecord r;
    r.value = v;
    r.timestamp_ms = 1'700'000'000'000;
    out.push_back(std::move(r));
  }
  return out;
}

class TransactionalClientTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    client_.reset();
    broker_.reset();
    broker::BrokerOptions o;
    o.data_dir = dir_.path();
    o.transaction_check_interval_ms = 3'600'000;  // Tick() by hand
    auto b = broker::Broker::Open(o, DefaultFileSystem(), &clock_);
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
    client_ = std::make_unique<BrokerPartitionClient>(broker_.get());
    absl::Status s = broker_->CreateTopic("out", 1, {});
    ASSERT_TRUE(s.ok() || absl::IsAlreadyExists(s)) << s;
  }
  // Every value readable with read_committed from offset 0, following
  // next_offset until the last stable offset.
  std::vector<std::string> Committed() {
    std::vector<std::string> values;
    int64_t offset = 0;
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<ReadResult> r = client_->ReadCommitted("out", 0, offset, 1 << 20, 0);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (const ClientRecord& c : r->records) values.push_back(c.value);
      if (r->next_offset == offset) break;
      offset = r->next_offset;
    }
    return values;
  }
  std::vector<std::string> Uncommitted() {
    absl::StatusOr<ReadResult> r = client_->ReadBatch("out", 0, 0, 1 << 20, 0);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> values;
    if (r.ok()) {
      for (const ClientRecord& c : r->records) values.push_back(c.value);
    }
    return values;
  }

  FakeClock clock_;
  rtai::testing::TempDir dir_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<BrokerPartitionClient> client_;
};

TEST_F(TransactionalClientTest, CommitMakesRecordsVisibleToReadCommitted) {
  absl::StatusOr<TxnHandle> h = client_->InitTransactions("sink-0", 60000);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->producer_epoch, 0);
  ASSERT_TRUE(client_->AppendTransactional(*h, "out", Records({"a", "b"})).ok());
  // Open: read_committed sees nothing, the last stable offset holds at 0.
  absl::StatusOr<ReadResult> open = client_->ReadCommitted("out", 0, 0, 1 << 20, 0);
  ASSERT_TRUE(open.ok());
  EXPECT_THAT(open->records, IsEmpty());
  EXPECT_EQ(open->end_offset, 0);
  ASSERT_TRUE(client_->EndTransaction(*h, true).ok());
  EXPECT_THAT(Committed(), ElementsAre("a", "b"));
  // Idempotent: committing the same handle again is OK, aborting it is not.
  EXPECT_TRUE(client_->EndTransaction(*h, true).ok());
  absl::Status other = client_->EndTransaction(*h, false);
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition) << other;
}

TEST_F(TransactionalClientTest, AbortedRecordsAreSkippedByReadCommitted) {
  absl::StatusOr<TxnHandle> h = client_->InitTransactions("sink-0", 60000);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(client_->AppendTransactional(*h, "out", Records({"x1", "x2"})).ok());
  ASSERT_TRUE(client_->EndTransaction(*h, false).ok());
  ASSERT_TRUE(client_->AppendTransactional(*h, "out", Records({"c1"})).ok());
  ASSERT_TRUE(client_->EndTransaction(*h, true).ok());
  ASSERT_TRUE(client_->Append("out", Records({"plain"})).ok());
  EXPECT_THAT(Committed(), ElementsAre("c1", "plain"));
  EXPECT_THAT(Uncommitted(), ElementsAre("x1", "x2", "c1", "plain"));
  // The next offset moves past aborted data and markers: 2 data + marker,
  // 1 data + marker, 1 plain.
  absl::StatusOr<ReadResult> r = client_->ReadCommitted("out", 0, 0, 1 << 20, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->next_offset, 6);
  EXPECT_EQ(r->end_offset, 6);
}

TEST_F(TransactionalClientTest, NewIncarnationFencesTheOldAndAbortsItsTransaction) {
  absl::StatusOr<TxnHandle> old = client_->InitTransactions("sink-0", 60000);
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(client_->AppendTransactional(*old, "out", Records({"zombie"})).ok());
  absl::StatusOr<TxnHandle> fresh = client_->InitTransactions("sink-0", 60000);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->producer_id, old->producer_id);
  EXPECT_GT(fresh->producer_epoch, old->producer_epoch);
  absl::Status append = client_->AppendTransactional(*old, "out", Records({"late"}));
  EXPECT_EQ(append.code(), absl::StatusCode::kFailedPrecondition) << append;
  EXPECT_THAT(append.message(), HasSubstr("fenced"));
  absl::Status commit = client_->EndTransaction(*old, true);
  EXPECT_EQ(commit.code(), absl::StatusCode::kFailedPrecondition) << commit;
  ASSERT_TRUE(client_->AppendTransactional(*fresh, "out", Records({"ok"})).ok());
  ASSERT_TRUE(client_->EndTransaction(*fresh, true).ok());
  EXPECT_THAT(Committed(), ElementsAre("ok"));
}

TEST_F(TransactionalClientTest, TimeoutAbortsAndTheLastStableOffsetAdvances) {
  absl::StatusOr<TxnHandle> h = client_->InitTransactions("sink-0", 1000);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(client_->AppendTransactional(*h, "out", Records({"lost"})).ok());
  ASSERT_TRUE(client_->Append("out", Records({"after"})).ok());
  EXPECT_THAT(Committed(), IsEmpty());  // held back by the open transaction
  clock_.AdvanceMillis(999);
  EXPECT_EQ(broker_->transactions()->Tick(), 0);
  clock_.AdvanceMillis(2);
  EXPECT_EQ(broker_->transactions()->Tick(), 1);
  EXPECT_THAT(Committed(), ElementsAre("after"));
  EXPECT_EQ(client_->EndTransaction(*h, true).code(), absl::StatusCode::kFailedPrecondition);
  // The handle's own abort is recognized as already done.
  EXPECT_TRUE(client_->EndTransaction(*h, false).ok());
}

TEST_F(TransactionalClientTest, EndWithoutAppendsIsOk) {
  absl::StatusOr<TxnHandle> h = client_->InitTransactions("sink-0", 60000);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(client_->EndTransaction(*h, true).ok());
  EXPECT_TRUE(client_->EndTransaction(*h, false).ok());
}

TEST_F(TransactionalClientTest, CommittedAndOpenTransactionsSurviveARestart) {
  absl::StatusOr<TxnHandle> done = client_->InitTransactions("sink-done", 60000);
  absl::StatusOr<TxnHandle> open = client_->InitTransactions("sink-open", 60000);
  ASSERT_TRUE(done.ok() && open.ok());
  ASSERT_TRUE(client_->AppendTransactional(*done, "out", Records({"d"})).ok());
  ASSERT_TRUE(client_->EndTransaction(*done, true).ok());
  ASSERT_TRUE(client_->AppendTransactional(*open, "out", Records({"o1"})).ok());
  Open();  // clean restart
  EXPECT_THAT(Committed(), ElementsAre("d"));
  // The open transaction continues after the restart and commits whole.
  ASSERT_TRUE(client_->AppendTransactional(*open, "out", Records({"o2"})).ok());
  ASSERT_TRUE(client_->EndTransaction(*open, true).ok());
  EXPECT_THAT(Committed(), ElementsAre("d", "o1", "o2"));
  // Re-committing the checkpointed handle after the restart is OK.
  EXPECT_TRUE(client_->EndTransaction(*done, true).ok());
  absl::StatusOr<TxnHandle> again = client_->InitTransactions("sink-done", 60000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->producer_id, done->producer_id);
  EXPECT_EQ(again->producer_epoch, done->producer_epoch + 1);
}

}  // namespace
}  // namespace rtai::cli
