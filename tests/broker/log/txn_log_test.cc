// Transactions in the partition log: the guards of PartitionTxnState, the
// first unstable offset (last stable offset), the aborted-transactions list
// from the `.txnindex` files, their rebuild at open (missing, malformed, a
// transaction spanning segments), control batch parsing and the
// read_committed filter.

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "broker/log/committed_filter.h"
#include "broker/log/partition_log.h"
#include "broker/log/partition_txn_state.h"
#include "broker/log/producer_state.h"
#include "broker/log/record_batch.h"
#include "broker/log/segment.h"
#include "broker/log/txn_batch.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Data(int64_t pid, int16_t epoch, const std::string& value,
                 bool transactional = true, int32_t seq = -1) {
  Record r;
  r.value = value;
  r.timestamp_ms = 1'700'000'000'000;
  std::string b = BuildRecordBatch({r});
  if (pid >= 0) StampProducer(&b, pid, epoch, seq, transactional);
  return b;
}

std::string Marker(int64_t pid, int16_t epoch, bool commit) {
  return BuildControlBatch(pid, epoch, {commit, 7}, 1'700'000'000'000);
}

std::vector<std::string> Values(const std::string& batches) {
  std::vector<std::string> out;
  auto records = DecodeRecordBatches(batches);
  EXPECT_TRUE(records.ok()) << records.status();
  if (records.ok()) {
    for (const Record& r : *records) out.push_back(r.value.value_or(""));
  }
  return out;
}

TEST(TxnBatchTest, ControlBatchRoundTripsAndRejectsGarbage) {
  const std::string m = Marker(5, 2, true);
  auto h = ParseBatchHeader(m);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->is_control());
  EXPECT_TRUE(h->is_transactional());
  EXPECT_EQ(h->producer_id, 5);
  EXPECT_EQ(h->producer_epoch, 2);
  EXPECT_TRUE(ValidateBatch(m, 1 << 20).ok());
  auto parsed = ParseControlBatch(m);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->commit);
  EXPECT_EQ(parsed->coordinator_epoch, 7);
  EXPECT_FALSE(ParseControlBatch(Marker(5, 2, false))->commit);
  // A data batch is not a marker; truncated input never crashes.
  EXPECT_FALSE(ParseControlBatch(Data(5, 2, "x")).ok());
  for (size_t n = 0; n < m.size(); ++n) (void)ParseControlBatch(m.substr(0, n));
}

TEST(PartitionTxnStateTest, OnlyArmedProducersWriteAndMarkersDisarm) {
  PartitionTxnState s;
  auto header = [](const std::string& b, int64_t offset) {
    BatchHeader h = *ParseBatchHeader(b);
    h.base_offset = offset;
    return h;
  };
  const BatchHeader d0 = header(Data(1, 0, "a"), 10);
  EXPECT_EQ(ProducerErrorName(s.CheckData(d0)), "INVALID_TXN_STATE");
  ASSERT_TRUE(s.Begin(1, 0).ok());
  ASSERT_TRUE(s.CheckData(d0).ok());
  s.OnData(d0);
  EXPECT_EQ(s.FirstUnstableOffset(), 10);
  // A non-transactional write of the same producer mid-transaction.
  EXPECT_EQ(ProducerErrorName(s.CheckData(header(Data(1, 0, "n", false, 0), 11))),
            "INVALID_TXN_STATE");
  const BatchHeader m = header(Marker(1, 1, false), 12);  // fencing abort, epoch 1
  ASSERT_TRUE(s.CheckMarker(m).ok());
  EXPECT_EQ(s.OnMarker(m), 10);
  EXPECT_EQ(s.FirstUnstableOffset(), std::nullopt);
  // After the marker: a late batch, a stale epoch, a stale marker.
  EXPECT_EQ(ProducerErrorName(s.CheckData(header(Data(1, 1, "late"), 13))),
            "INVALID_TXN_STATE");
  EXPECT_EQ(ProducerErrorName(s.CheckData(d0)), "INVALID_PRODUCER_EPOCH");
  EXPECT_EQ(ProducerErrorName(s.Begin(1, 0)), "INVALID_PRODUCER_EPOCH");
  EXPECT_EQ(ProducerErrorName(s.CheckMarker(header(Marker(1, 0, true), 14))),
            "INVALID_PRODUCER_EPOCH");
}

TEST(PartitionTxnStateTest, TheOldestOpenTransactionBoundsTheStableOffset) {
  PartitionTxnState s(/*max_producers=*/2);
  ASSERT_TRUE(s.Begin(1, 0).ok());
  ASSERT_TRUE(s.Begin(2, 0).ok());
  // Two producers with open or armed state: a third cannot be tracked.
  EXPECT_EQ(s.Begin(3, 0).code(), absl::StatusCode::kResourceExhausted);
  BatchHeader a = *ParseBatchHeader(Data(1, 0, "a"));
  a.base_offset = 5;
  BatchHeader b = *ParseBatchHeader(Data(2, 0, "b"));
  b.base_offset = 7;
  s.OnData(a);
  s.OnData(b);
  EXPECT_EQ(s.FirstUnstableOffset(), 5);
  BatchHeader ma = *ParseBatchHeader(Marker(1, 0, true));
  ma.base_offset = 8;
  EXPECT_EQ(s.OnMarker(ma), 5);
  EXPECT_EQ(s.FirstUnstableOffset(), 7);
  EXPECT_EQ(s.open_count(), 1u);
}

TEST(CommittedFilterTest, DropsAbortedTransactionsAndMarkersOnly) {
  // p1 commits, p2 aborts, interleaved, plus a plain batch inside.
  std::vector<std::string> batches = {Data(1, 0, "c1"), Data(2, 0, "x1"),
                                      Data(-1, 0, "plain"), Data(2, 0, "x2"),
                                      Marker(2, 0, false), Data(1, 0, "c2"),
                                      Marker(1, 0, true), Data(2, 0, "next")};
  std::string all;
  for (size_t i = 0; i < batches.size(); ++i) {
    StampBaseOffset(batches[i].data(), Offset(static_cast<int64_t>(i)));
    all += batches[i];
  }
  CommittedBatches kept = SelectCommittedBatches(all, {{2, 1, 4, 5}});
  EXPECT_THAT(Values(kept.batches), ElementsAre("c1", "plain", "c2", "next"));
  EXPECT_EQ(kept.next_offset, 8);
  // Without the aborted list everything but the markers is kept.
  EXPECT_THAT(Values(SelectCommittedBatches(all, {}).batches),
              ElementsAre("c1", "x1", "plain", "x2", "c2", "next"));
  // A trailing partial batch is ignored.
  EXPECT_EQ(SelectCommittedBatches(all.substr(0, all.size() - 3), {}).next_offset, 7);
}

class TxnLogTest : public ::testing::Test {
 protected:
  void Open(int32_t segment_bytes = 1 << 20) {
    log_.reset();
    LogConfig config;
    config.segment_bytes = segment_bytes;
    auto log = PartitionLog::Open(dir_.path(), {"t", 0}, config, DefaultFileSystem(), &clock_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }
  void Append(std::string batch) {
    auto r = log_->Append(std::move(batch), LeaderEpoch(0));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // One aborted transaction of producer 1 at [first..] and a committed one
  // of producer 2, optionally spread over segments by small segment_bytes.
  // With 1 KiB segments: [0, 1] [2, 3, 4] [5, 6].
  void WriteHistory() {
    const std::string pad(400, '.');
    ASSERT_TRUE(log_->BeginTransaction(1, 0).ok());
    ASSERT_TRUE(log_->BeginTransaction(2, 0).ok());
    Append(Data(1, 0, "x0" + pad));  // 0
    Append(Data(2, 0, "c0" + pad));  // 1
    Append(Data(-1, 0, "p" + pad));  // 2
    Append(Data(1, 0, "x1" + pad));  // 3
    Append(Marker(1, 0, false));     // 4
    Append(Data(2, 0, "c1" + pad));  // 5
    Append(Marker(2, 0, true));      // 6
  }

  FakeClock clock_;
  rtai::testing::TempDir dir_;
  std::unique_ptr<PartitionLog> log_;
};

TEST_F(TxnLogTest, AbortMarkersFeedTheAbortedListAndTheStableOffset) {
  Open();
  ASSERT_TRUE(log_->BeginTransaction(1, 0).ok());
  Append(Data(1, 0, "x0"));
  EXPECT_EQ(log_->FirstUnstableOffset(), Offset(0));
  // Not armed for producer 3, and clients' sequences are checked when set.
  EXPECT_EQ(ProducerErrorName(log_->Append(Data(3, 0, "s"), LeaderEpoch(0)).status()),
            "INVALID_TXN_STATE");
  Append(Marker(1, 0, false));
  EXPECT_EQ(log_->FirstUnstableOffset(), Offset(-1));
  EXPECT_THAT(log_->AbortedTransactions(Offset(0), Offset(2)),
              ElementsAre(AbortedTxn{1, 0, 1, 2}));
  EXPECT_THAT(log_->AbortedTransactions(Offset(2), Offset(3)), IsEmpty());
  // A marker for a producer with nothing open here adds no entry.
  Append(Marker(9, 0, false));
  EXPECT_EQ(log_->AbortedTransactions(Offset(0), Offset(3)).size(), 1u);
}

TEST_F(TxnLogTest, TxnIndexIsRebuiltWhenMissingOrMalformed) {
  Open(/*segment_bytes=*/1024);
  WriteHistory();
  ASSERT_EQ(log_->Stats().segment_count, 3);
  // Producer 2's transaction (from 1) was open when the abort was written.
  const std::vector<AbortedTxn> want = {{1, 0, 4, 1}};
  EXPECT_EQ(log_->AbortedTransactions(Offset(0), Offset(7)), want);
  ASSERT_TRUE(log_->Close().ok());
  const std::vector<std::string> names = *DefaultFileSystem()->ListDir(dir_.path());
  std::string txnindex;
  for (const std::string& n : names) {
    if (n.size() > 9 && n.substr(n.size() - 9) == ".txnindex") {
      EXPECT_TRUE(txnindex.empty()) << "only the marker's segment has an index";
      txnindex = n;
    }
  }
  ASSERT_EQ(txnindex, SegmentFileName(Offset(2), ".txnindex"));
  // Malformed: not whole entries.
  ASSERT_TRUE(DefaultFileSystem()
                  ->WriteFileAtomically(JoinPath(dir_.path(), txnindex), "garbage")
                  .ok());
  // The marker's segment is in the recovery window (the last two
  // segments), whose indexes are always rebuilt from the batches. The
  // transaction began before the window: its start is taken at the window
  // start (it covers x1, the only batch of it in the window) and the entry's
  // stable offset is the window start, so searches never stop early at it.
  const std::vector<AbortedTxn> rebuilt = {{1, 2, 4, 2}};
  Open(1024);
  EXPECT_EQ(log_->AbortedTransactions(Offset(0), Offset(7)), rebuilt);
  EXPECT_EQ(log_->FirstUnstableOffset(), Offset(-1));
  ASSERT_TRUE(log_->Close().ok());
  ASSERT_TRUE(DefaultFileSystem()->DeleteFile(JoinPath(dir_.path(), txnindex)).ok());
  Open(1024);
  EXPECT_EQ(log_->AbortedTransactions(Offset(0), Offset(7)), rebuilt);
  // An aborted transaction whose index is outside the window: a fourth
  // segment pushes [2, 4] out of it; a malformed index there is rebuilt
  // from that segment on.
  ASSERT_TRUE(log_->BeginTransaction(3, 0).ok());
  Append(Data(3, 0, std::string(900, 'y')));  // 7, rolls
  Append(Marker(3, 0, false));                // 8
  ASSERT_TRUE(log_->Close().ok());
  ASSERT_TRUE(DefaultFileSystem()
                  ->WriteFileAtomically(JoinPath(dir_.path(), txnindex), "bad")
                  .ok());
  Open(1024);
  EXPECT_EQ(log_->AbortedTransactions(Offset(0), Offset(9)).size(), 2u);
  // Producer 3 has no earlier marker in the rebuilt range: conservatively
  // from the window start (only its batches are dropped, all of them this
  // transaction's).
  EXPECT_EQ(log_->AbortedTransactions(Offset(7), Offset(9)),
            (std::vector<AbortedTxn>{{3, 2, 8, 2}}));
}

TEST_F(TxnLogTest, OpenTransactionsSurviveAReopen) {
  Open();
  ASSERT_TRUE(log_->BeginTransaction(1, 0).ok());
  Append(Data(-1, 0, "p"));
  Append(Data(1, 0, "x0"));
  ASSERT_TRUE(log_->Close().ok());
  Open();
  EXPECT_EQ(log_->FirstUnstableOffset(), Offset(1));
  // Arming is memory only: the coordinator re-arms after a restart.
  EXPECT_EQ(ProducerErrorName(log_->Append(Data(1, 0, "x1"), LeaderEpoch(0)).status()),
            "INVALID_TXN_STATE");
  ASSERT_TRUE(log_->BeginTransaction(1, 0).ok());
  Append(Data(1, 0, "x1"));
  Append(Marker(1, 0, true));
  EXPECT_EQ(log_->FirstUnstableOffset(), Offset(-1));
  EXPECT_THAT(log_->AbortedTransactions(Offset(0), Offset(4)), IsEmpty());
}

}  // namespace
}  // namespace rtai::broker
