// The Kafka transaction APIs over the real, disk-backed Broker: the
// KIP-890 weaknesses (late or retried produce after abort/commit, produce
// to a partition never added, stale epochs after fencing or a timeout),
// read_committed Fetch and ListOffsets, and TxnOffsetCommit whose offsets
// become visible to OffsetFetch only when the transaction commits.

#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "broker/core/broker.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/request_processor.h"
#include "broker/log/txn_batch.h"
#include "broker/txn/transaction_coordinator.h"
#include "tests/broker/kafka/test_batches.h"
#include "tests/broker/kafka/test_client.h"
#include "tests/testing/temp_dir.h"

namespace rtai::kafka {
namespace {

using testing::BuildBatch;
using testing::DecodeValues;

std::string TxnBatch(int64_t pid, int16_t epoch, int32_t seq, const std::string& value) {
  std::string b = BuildBatch({{"k", value}});
  broker::StampProducer(&b, pid, epoch, seq, /*transactional=*/true);
  return b;
}

class TxnHandlersTest : public ::testing::Test {
 protected:
  TxnHandlersTest() { Open(); }
  ~TxnHandlersTest() override { Close(); }

  void Open() {
    broker::BrokerOptions options;
    options.data_dir = dir_.path();
    options.transaction_check_interval_ms = 3'600'000;  // Tick() by hand
    auto b = broker::Broker::Open(options, DefaultFileSystem(), &clock_);
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
    groups_ = std::make_unique<GroupCoordinator>(GroupCoordinatorOptions{}, &clock_);
    buffer_ = std::make_unique<TxnOffsetBuffer>();
    store_ = std::make_unique<OffsetStore>(broker_.get(), &clock_);
    ASSERT_TRUE(store_->Load(groups_.get(), buffer_.get()).ok());
    broker_->transactions()->SetCompletionListener(
        [this](int64_t pid, bool commit, const std::set<broker::txn::TopicPartition>&) {
          buffer_->Complete(pid, commit, groups_.get());
        });
    processor_ = std::make_unique<RequestProcessor>(
        broker_.get(), groups_.get(), std::make_shared<const KafkaServerOptions>(),
        [](absl::AnyInvocable<void()> task) { task(); }, store_.get());
    processor_->SetTxnOffsets(buffer_.get());
    absl::Status s = broker_->CreateTopic("t", 2, {});
    ASSERT_TRUE(s.ok() || absl::IsAlreadyExists(s)) << s;
  }
  void Close() {
    if (broker_ != nullptr) broker_->transactions()->SetCompletionListener(nullptr);
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
  // InitProducerId v1 for `id`: (pid, epoch), or the error code as pid.
  std::pair<int64_t, int16_t> Init(const std::string& id, int32_t timeout_ms = 60000) {
    StructValue req = NewMessage(kInitProducerIdRequest);
    req.SetStr("TransactionalId", id);
    req.SetInt("TransactionTimeoutMs", timeout_ms);
    StructValue r = Call(ApiKey::kInitProducerId, 1, req);
    EXPECT_EQ(r.Int("ErrorCode"), 0);
    return {r.Int("ProducerId"), static_cast<int16_t>(r.Int("ProducerEpoch"))};
  }
  int64_t AddPartition(const std::string& id, std::pair<int64_t, int16_t> pe, int32_t partition,
                       int16_t version = 0) {
    StructValue req = NewMessage(kAddPartitionsToTxnRequest);
    req.SetStr("TransactionalId", id);
    req.SetInt("ProducerId", pe.first);
    req.SetInt("ProducerEpoch", pe.second);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "t");
    t.MutableArray("Partitions")->push_back(Value(int64_t{partition}));
    StructValue r = Call(ApiKey::kAddPartitionsToTxn, version, req);
    return r.Array("Results")[0].as_struct().Array("Results")[0].as_struct().Int("ErrorCode");
  }
  int64_t End(const std::string& id, std::pair<int64_t, int16_t> pe, bool commit,
              int16_t version = 1) {
    StructValue req = NewMessage(kEndTxnRequest);
    req.SetStr("TransactionalId", id);
    req.SetInt("ProducerId", pe.first);
    req.SetInt("ProducerEpoch", pe.second);
    req.SetInt("Committed", commit ? 1 : 0);
    return Call(ApiKey::kEndTxn, version, req).Int("ErrorCode");
  }
  int64_t Produce(int32_t partition, std::string records, const std::string& txn_id = "") {
    StructValue req = NewMessage(kProduceRequest);
    if (!txn_id.empty()) req.SetStr("TransactionalId", txn_id);
    req.SetInt("Acks", -1);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "t");
    StructValue& p = t.AddStruct("Partitions");
    p.SetInt("PartitionIndex", partition);
    p.SetStr("Records", std::move(records));
    StructValue r = Call(ApiKey::kProduce, 7, req);
    return r.Array("Responses")[0].as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode");
  }
  StructValue Fetch(int32_t partition, int64_t offset, int isolation) {
    StructValue req = NewMessage(kFetchRequest);
    req.SetInt("ReplicaId", -1);
    req.SetInt("MaxWait", 0);
    req.SetInt("IsolationLevel", isolation);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "t");
    StructValue& p = t.AddStruct("FetchPartitions");
    p.SetInt("PartitionIndex", partition);
    p.SetInt("FetchOffset", offset);
    p.SetInt("MaxBytes", 1 << 20);
    StructValue r = Call(ApiKey::kFetch, 11, req);
    return r.Array("Responses")[0].as_struct().Array("PartitionResponses")[0].as_struct();
  }
  int64_t CommittedOffset(const std::string& group) {
    StructValue req = NewMessage(kOffsetFetchRequest);
    req.SetStr("GroupId", group);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "in");
    t.MutableArray("PartitionIndexes")->push_back(Value(int64_t{0}));
    StructValue r = Call(ApiKey::kOffsetFetch, 1, req);
    return r.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int(
        "CommittedOffset");
  }

  FakeClock clock_;
  rtai::testing::TempDir dir_;
  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<TxnOffsetBuffer> buffer_;
  std::unique_ptr<OffsetStore> store_;
  std::unique_ptr<RequestProcessor> processor_;
};

TEST_F(TxnHandlersTest, LateOrRetriedProduceAfterAbortOrCommitIsRejected) {
  auto pe = Init("a");
  ASSERT_EQ(AddPartition("a", pe, 0), 0);
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 0, "x0"), "a"), 0);
  ASSERT_EQ(End("a", pe, false), 0);
  // A late batch of the aborted transaction and a retry of one it held.
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 1, "x1"), "a"),
            Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 0, "x0"), "a"),
            Code(ErrorCode::kInvalidTxnState));
  // The same after a commit.
  ASSERT_EQ(AddPartition("a", pe, 0), 0);
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 1, "c1"), "a"), 0);
  ASSERT_EQ(End("a", pe, true), 0);
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 2, "late"), "a"),
            Code(ErrorCode::kInvalidTxnState));
  // No transaction is left open (the LSO is the high watermark) and only
  // the committed record is visible to read_committed.
  StructValue rc = Fetch(0, 0, 1);
  EXPECT_EQ(rc.Int("LastStableOffset"), rc.Int("HighWatermark"));
  EXPECT_EQ(rc.Int("HighWatermark"), 4);  // x0, abort marker, c1, commit marker
  ASSERT_EQ(rc.Array("AbortedTransactions").size(), 1u);
  EXPECT_EQ(rc.Array("AbortedTransactions")[0].as_struct().Int("ProducerId"), pe.first);
  EXPECT_EQ(rc.Array("AbortedTransactions")[0].as_struct().Int("FirstOffset"), 0);
}

TEST_F(TxnHandlersTest, ProduceToAPartitionNotAddedIsRejected) {
  auto pe = Init("a");
  ASSERT_EQ(AddPartition("a", pe, 0), 0);
  EXPECT_EQ(Produce(1, TxnBatch(pe.first, pe.second, 0, "stray"), "a"),
            Code(ErrorCode::kInvalidTxnState));
  // Clients may not write markers themselves.
  EXPECT_EQ(Produce(0, broker::BuildControlBatch(pe.first, pe.second, {true, 0}, 1)),
            Code(ErrorCode::kCorruptMessage));
  EXPECT_EQ(End("a", pe, true), 0);
  EXPECT_EQ(Fetch(1, 0, 0).Int("HighWatermark"), 0);  // nothing was written
}

TEST_F(TxnHandlersTest, ANewIncarnationFencesTheOldOneEverywhere) {
  auto old = Init("a");
  ASSERT_EQ(AddPartition("a", old, 0), 0);
  ASSERT_EQ(Produce(0, TxnBatch(old.first, old.second, 0, "zombie"), "a"), 0);
  auto fresh = Init("a");  // aborts the open transaction, epoch + 1
  EXPECT_EQ(fresh.first, old.first);
  EXPECT_EQ(fresh.second, old.second + 1);
  EXPECT_EQ(Produce(0, TxnBatch(old.first, old.second, 1, "z2"), "a"),
            Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(AddPartition("a", old, 1, 0), Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(AddPartition("a", old, 1, 2), Code(ErrorCode::kProducerFenced));
  EXPECT_EQ(End("a", old, true, 1), Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(End("a", old, true, 2), Code(ErrorCode::kProducerFenced));
  StructValue rc = Fetch(0, 0, 1);
  // The zombie's record and the abort marker (DecodeValues keeps control
  // records); the client drops both with the aborted list.
  EXPECT_EQ(DecodeValues(rc.Str("RecordSet")).size(), 2u);
  ASSERT_EQ(rc.Array("AbortedTransactions").size(), 1u);
}

TEST_F(TxnHandlersTest, TimeoutAbortsAndALateCommitIsFenced) {
  auto pe = Init("a", 1000);
  ASSERT_EQ(AddPartition("a", pe, 0), 0);
  ASSERT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 0, "slow"), "a"), 0);
  ASSERT_EQ(Produce(0, BuildBatch({{"k", "plain"}})), 0);
  EXPECT_EQ(Fetch(0, 0, 1).Int("LastStableOffset"), 0);
  clock_.AdvanceMillis(1500);
  EXPECT_EQ(broker_->transactions()->Tick(), 1);
  StructValue rc = Fetch(0, 0, 1);
  EXPECT_EQ(rc.Int("LastStableOffset"), 3);  // slow, plain, abort marker
  EXPECT_EQ(End("a", pe, true), Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(Produce(0, TxnBatch(pe.first, pe.second, 1, "later"), "a"),
            Code(ErrorCode::kInvalidProducerEpoch));
}

TEST_F(TxnHandlersTest, ReadCommittedStopsAtTheLastStableOffset) {
  auto a = Init("a");
  auto b = Init("b");
  ASSERT_EQ(AddPartition("a", a, 0), 0);
  ASSERT_EQ(AddPartition("b", b, 0), 0);
  ASSERT_EQ(Produce(0, TxnBatch(a.first, a.second, 0, "a0"), "a"), 0);   // 0
  ASSERT_EQ(Produce(0, TxnBatch(b.first, b.second, 0, "b0"), "b"), 0);   // 1
  ASSERT_EQ(End("b", b, true), 0);                                        // 2
  StructValue open = Fetch(0, 0, 1);
  EXPECT_EQ(open.Int("LastStableOffset"), 0);
  EXPECT_EQ(open.Str("RecordSet"), "");
  StructValue ru = Fetch(0, 0, 0);
  EXPECT_EQ(ru.Int("HighWatermark"), 3);
  EXPECT_EQ(DecodeValues(ru.Str("RecordSet")).size(), 3u);  // a0, b0, marker
  ASSERT_EQ(End("a", a, false), 0);                                       // 3
  StructValue rc = Fetch(0, 0, 1);
  EXPECT_EQ(rc.Int("LastStableOffset"), 4);
  ASSERT_EQ(rc.Array("AbortedTransactions").size(), 1u);
  EXPECT_EQ(rc.Array("AbortedTransactions")[0].as_struct().Int("ProducerId"), a.first);
  StructValue lo = NewMessage(kListOffsetsRequest);
  lo.SetInt("IsolationLevel", 1);
  StructValue& t = lo.AddStruct("Topics");
  t.SetStr("Name", "t");
  StructValue& p = t.AddStruct("Partitions");
  p.SetInt("Timestamp", -1);
  StructValue r = Call(ApiKey::kListOffsets, 2, lo);
  EXPECT_EQ(r.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int("Offset"), 4);
}

TEST_F(TxnHandlersTest, TxnOffsetCommitIsVisibleOnlyAfterCommitAndSurvivesReopen) {
  auto pe = Init("a");
  StructValue add = NewMessage(kAddOffsetsToTxnRequest);
  add.SetStr("TransactionalId", "a");
  add.SetInt("ProducerId", pe.first);
  add.SetInt("ProducerEpoch", pe.second);
  add.SetStr("GroupId", "g");
  auto commit_offset = [&](int64_t offset) {
    StructValue req = NewMessage(kTxnOffsetCommitRequest);
    req.SetStr("TransactionalId", "a");
    req.SetStr("GroupId", "g");
    req.SetInt("ProducerId", pe.first);
    req.SetInt("ProducerEpoch", pe.second);
    StructValue& t = req.AddStruct("Topics");
    t.SetStr("Name", "in");
    StructValue& p = t.AddStruct("Partitions");
    p.SetInt("CommittedOffset", offset);
    p.SetStr("CommittedMetadata", "");
    StructValue r = Call(ApiKey::kTxnOffsetCommit, 2, req);
    return r.Array("Topics")[0].as_struct().Array("Partitions")[0].as_struct().Int("ErrorCode");
  };
  // Without AddOffsetsToTxn the offsets partition is not in the transaction.
  EXPECT_EQ(commit_offset(5), Code(ErrorCode::kInvalidTxnState));
  ASSERT_EQ(Call(ApiKey::kAddOffsetsToTxn, 0, add).Int("ErrorCode"), 0);
  ASSERT_EQ(commit_offset(10), 0);
  EXPECT_EQ(CommittedOffset("g"), -1);
  ASSERT_EQ(End("a", pe, false), 0);
  EXPECT_EQ(CommittedOffset("g"), -1);
  ASSERT_EQ(Call(ApiKey::kAddOffsetsToTxn, 0, add).Int("ErrorCode"), 0);
  ASSERT_EQ(commit_offset(20), 0);
  EXPECT_EQ(CommittedOffset("g"), -1);
  ASSERT_EQ(End("a", pe, true), 0);
  EXPECT_EQ(CommittedOffset("g"), 20);
  // An open transaction's offsets at a reopen stay pending until it ends.
  ASSERT_EQ(Call(ApiKey::kAddOffsetsToTxn, 0, add).Int("ErrorCode"), 0);
  ASSERT_EQ(commit_offset(30), 0);
  Close();
  Open();
  EXPECT_EQ(CommittedOffset("g"), 20);
  ASSERT_EQ(End("a", pe, true), 0);
  EXPECT_EQ(CommittedOffset("g"), 30);
}

}  // namespace
}  // namespace rtai::kafka
