// The transaction coordinator's state machine over a fake broker and a
// FakeClock: epochs and fencing, markers to every partition, idempotent
// and conflicting EndTxn, timeouts, failed markers retried, recovery of
// Prepare*/Ongoing transactions, id expiration, limits.

#include "broker/txn/transaction_coordinator.h"

#include <atomic>
#include <map>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "broker/txn/txn_errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker::txn {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeTxnBroker : public TxnBroker {
 public:
  using Marker = std::tuple<int64_t, int16_t, bool>;  // pid, epoch, commit
  absl::StatusOr<int64_t> AllocateProducerId() override { return next_pid_++; }
  absl::Status CheckPartition(const TopicPartition& tp) override {
    return tp.second >= 0 && tp.second < 4 ? absl::OkStatus()
                                           : absl::NotFoundError("no partition");
  }
  absl::Status BeginTransaction(const TopicPartition& tp, int64_t pid, int16_t epoch) override {
    absl::MutexLock l(&mu_);
    armed[tp] = {pid, epoch};
    return absl::OkStatus();
  }
  void WriteMarker(const TopicPartition& tp, int64_t pid, int16_t epoch, bool commit,
                   absl::AnyInvocable<void(absl::Status)> done) override {
    {
      absl::MutexLock l(&mu_);
      if (fail_markers) return done(absl::UnavailableError("disk says no"));
      markers[tp].push_back({pid, epoch, commit});
      armed.erase(tp);
    }
    done(absl::OkStatus());
  }

  absl::Mutex mu_;
  bool fail_markers = false;
  int64_t next_pid_ = 100;
  std::map<TopicPartition, std::pair<int64_t, int16_t>> armed;
  std::map<TopicPartition, std::vector<Marker>> markers;
};

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen(TransactionCoordinatorOptions o = {}) {
    c_.reset();
    auto c = TransactionCoordinator::Open(o, &fs_, dir_.path(), &clock_, &broker_);
    ASSERT_TRUE(c.ok()) << c.status();
    c_ = *std::move(c);
  }
  TxnState State(const std::string& id) { return c_->Describe(id)->state; }
  std::vector<FakeTxnBroker::Marker> Markers(const std::string& topic, int32_t partition) {
    return broker_.markers[TopicPartition(topic, partition)];
  }

  FakeClock clock_;
  rtai::testing::TempDir dir_;
  rtai::testing::FaultInjectionFileSystem fs_{DefaultFileSystem()};
  FakeTxnBroker broker_;
  std::unique_ptr<TransactionCoordinator> c_;
};

TEST_F(CoordinatorTest, EpochsStartAtZeroAndEveryInitBumps) {
  auto a = c_->InitProducerId("t", 1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->producer_id, 100);
  EXPECT_EQ(a->producer_epoch, 0);
  auto b = c_->InitProducerId("t", 1000);
  EXPECT_EQ(b->producer_id, 100);
  EXPECT_EQ(b->producer_epoch, 1);
  EXPECT_EQ(c_->InitProducerId("u", 1000)->producer_id, 101);
  EXPECT_EQ(TxnErrorName(c_->InitProducerId("t", 0).status()), kInvalidTransactionTimeout);
  EXPECT_EQ(TxnErrorName(c_->InitProducerId("t", 900001).status()), kInvalidTransactionTimeout);
  // KIP-360: naming a stale incarnation is fenced.
  EXPECT_EQ(TxnErrorName(c_->InitProducerId("t", 1000, {100, 0}).status()), kProducerFenced);
  EXPECT_EQ(c_->InitProducerId("t", 1000, {100, 1})->producer_epoch, 2);
}

TEST_F(CoordinatorTest, CommitWritesAMarkerToEveryPartitionOnce) {
  auto p = *c_->InitProducerId("t", 60000);
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}, {"b", 1}}).ok());
  EXPECT_EQ(State("t"), TxnState::kOngoing);
  EXPECT_EQ(broker_.armed.size(), 2u);
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}}).ok());  // already in
  ASSERT_TRUE(c_->EndTransaction("t", p, true).ok());
  EXPECT_EQ(State("t"), TxnState::kCompleteCommit);
  const FakeTxnBroker::Marker commit(p.producer_id, p.producer_epoch, true);
  EXPECT_THAT(Markers("a", 0), ElementsAre(commit));
  EXPECT_THAT(Markers("b", 1), ElementsAre(commit));
  // Retried EndTxn: OK without new markers; the other outcome is refused.
  EXPECT_TRUE(c_->EndTransaction("t", p, true).ok());
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", p, false)), kInvalidTxnState);
  EXPECT_EQ(Markers("a", 0).size(), 1u);
  // The next transaction starts afresh with only its own partitions.
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"c", 2}}).ok());
  EXPECT_EQ(c_->Describe("t")->partitions, (std::set<TopicPartition>{{"c", 2}}));
  EXPECT_EQ(TxnErrorName(c_->AddPartitions("t", p, {{"c", 9}})), kUnknownTopicOrPartition);
}

TEST_F(CoordinatorTest, ReinitFencesTheOldProducerAndAbortsItsTransaction) {
  auto old = *c_->InitProducerId("t", 60000);
  ASSERT_TRUE(c_->AddPartitions("t", old, {{"a", 0}}).ok());
  auto fresh = *c_->InitProducerId("t", 60000);
  EXPECT_EQ(fresh.producer_epoch, old.producer_epoch + 1);
  EXPECT_THAT(Markers("a", 0),
              ElementsAre(FakeTxnBroker::Marker(old.producer_id, fresh.producer_epoch, false)));
  absl::Status s = c_->AddPartitions("t", old, {{"a", 1}});
  EXPECT_EQ(TxnErrorName(s), kProducerFenced);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", old, true)), kProducerFenced);
  // The old incarnation's abort already happened.
  EXPECT_TRUE(c_->EndTransaction("t", old, false).ok());
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", {999, 0}, true)), kInvalidProducerIdMapping);
  EXPECT_EQ(TxnErrorName(c_->AddPartitions("nope", fresh, {{"a", 0}})),
            kInvalidProducerIdMapping);
}

TEST_F(CoordinatorTest, TimeoutAbortsWithABumpedEpochOnlyAfterTheTimeout) {
  auto p = *c_->InitProducerId("t", 5000);
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}}).ok());
  clock_.AdvanceMillis(5000);
  EXPECT_EQ(c_->Tick(), 0);
  EXPECT_EQ(State("t"), TxnState::kOngoing);
  clock_.AdvanceMillis(1);
  EXPECT_EQ(c_->Tick(), 1);
  EXPECT_EQ(State("t"), TxnState::kCompleteAbort);
  EXPECT_EQ(c_->Describe("t")->producer_epoch, p.producer_epoch + 1);
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", p, true)), kProducerFenced);
  EXPECT_EQ(c_->Tick(), 0);
}

TEST_F(CoordinatorTest, FailedMarkersKeepTheDecisionAndAreRetried) {
  auto p = *c_->InitProducerId("t", 60000);
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}}).ok());
  broker_.fail_markers = true;
  absl::Status s = c_->EndTransaction("t", p, true);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_EQ(State("t"), TxnState::kPrepareCommit);
  EXPECT_EQ(TxnErrorName(c_->AddPartitions("t", p, {{"a", 1}})), kConcurrentTransactions);
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", p, false)), kInvalidTxnState);
  broker_.fail_markers = false;
  c_->Tick();
  EXPECT_EQ(State("t"), TxnState::kCompleteCommit);
  EXPECT_TRUE(c_->EndTransaction("t", p, true).ok());
}

TEST_F(CoordinatorTest, RecoveryCompletesDecidedTransactionsAndRearmsOngoingOnes) {
  auto decided = *c_->InitProducerId("decided", 60000);
  auto open = *c_->InitProducerId("open", 60000);
  ASSERT_TRUE(c_->AddPartitions("decided", decided, {{"a", 0}}).ok());
  ASSERT_TRUE(c_->AddPartitions("open", open, {{"a", 1}}).ok());
  broker_.fail_markers = true;
  EXPECT_FALSE(c_->EndTransaction("decided", decided, false).ok());
  broker_.fail_markers = false;
  broker_.armed.clear();  // a restart forgets what was armed
  Reopen();
  EXPECT_EQ(State("decided"), TxnState::kCompleteAbort);
  EXPECT_THAT(Markers("a", 0),
              ElementsAre(FakeTxnBroker::Marker(decided.producer_id, decided.producer_epoch,
                                                false)));
  EXPECT_EQ(State("open"), TxnState::kOngoing);
  EXPECT_EQ(broker_.armed[std::make_pair(std::string("a"), 1)],
            std::make_pair(open.producer_id, open.producer_epoch));
  // The open transaction continues with the same producer.
  EXPECT_TRUE(c_->EndTransaction("open", open, true).ok());
}

TEST_F(CoordinatorTest, IdleIdsExpireDurablyButOpenTransactionsDoNot) {
  TransactionCoordinatorOptions o;
  o.transactional_id_expiration_ms = 10000;
  o.max_transactional_ids = 2;
  Reopen(o);
  auto idle = *c_->InitProducerId("idle", 60000);
  auto busy = *c_->InitProducerId("busy", 600000);
  (void)idle;
  ASSERT_TRUE(c_->AddPartitions("busy", busy, {{"a", 0}}).ok());
  EXPECT_EQ(TxnErrorName(c_->InitProducerId("third", 60000).status()),
            kCoordinatorNotAvailable);
  clock_.AdvanceMillis(10001);
  c_->Tick();
  EXPECT_FALSE(c_->Describe("idle").has_value());
  EXPECT_EQ(State("busy"), TxnState::kOngoing);
  Reopen(o);
  EXPECT_FALSE(c_->Describe("idle").has_value());
  EXPECT_EQ(c_->size(), 1u);
  EXPECT_TRUE(c_->InitProducerId("third", 60000).ok());
}

TEST_F(CoordinatorTest, CompletionListenerHearsEveryOutcome) {
  std::vector<std::pair<int64_t, bool>> heard;
  c_->SetCompletionListener(
      [&](int64_t pid, bool commit, const std::set<TopicPartition>&) {
        heard.push_back({pid, commit});
      });
  auto p = *c_->InitProducerId("t", 60000);
  ASSERT_TRUE(c_->AddPartitions("t", p, {}).ok());
  ASSERT_TRUE(c_->CheckInTransaction("t", p, {"", -1}).ok());
  EXPECT_EQ(TxnErrorName(c_->CheckInTransaction("t", p, {"a", 0})), kInvalidTxnState);
  ASSERT_TRUE(c_->EndTransaction("t", p, true).ok());
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}}).ok());
  ASSERT_TRUE(c_->EndTransaction("t", p, false).ok());
  EXPECT_THAT(heard, ElementsAre(std::make_pair(p.producer_id, true),
                                 std::make_pair(p.producer_id, false)));
  EXPECT_EQ(TxnErrorName(c_->CheckInTransaction("t", p, {"", -1})), kInvalidTxnState);
}

}  // namespace
}  // namespace rtai::broker::txn

namespace rtai::broker::txn {
namespace {

TEST_F(CoordinatorTest, AnOngoingTransactionRecoveredAfterACrashTimesOut) {
  auto p = *c_->InitProducerId("t", 5000);
  ASSERT_TRUE(c_->AddPartitions("t", p, {{"a", 0}, {"a", 1}}).ok());
  clock_.AdvanceMillis(3000);
  Reopen();  // the producer never comes back
  EXPECT_EQ(State("t"), TxnState::kOngoing);
  EXPECT_EQ(c_->Tick(), 0);
  clock_.AdvanceMillis(2001);  // 5001 ms after the transaction began
  EXPECT_EQ(c_->Tick(), 1);
  const FakeTxnBroker::Marker abort(p.producer_id, p.producer_epoch + 1, false);
  EXPECT_THAT(Markers("a", 0), ElementsAre(abort));
  EXPECT_THAT(Markers("a", 1), ElementsAre(abort));
}

// Group commit through the coordinator: while one id's state-log fsync is
// in flight the coordinator's lock is free, so other ids' steps go on and
// share the next fsync (before, each step held the lock across its own).
TEST_F(CoordinatorTest, ConcurrentIdsShareStateLogFsyncs) {
  std::vector<ProducerIdAndEpoch> p;
  for (const char* id : {"a", "b", "c"}) p.push_back(*c_->InitProducerId(id, 60000));
  std::atomic<bool> held{false};
  fs_.SetSyncHook([&](const std::string&) {
    if (held.exchange(true)) return;
    // Sync point: hold a's fsync until b's and c's records are written
    // (they then wait in the group commit), polling Describe (which needs
    // the coordinator's lock: it would never answer if a's step held it).
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    auto ongoing = [&](const char* id) { return c_->Describe(id)->state == TxnState::kOngoing; };
    while (!(ongoing("b") && ongoing("c")) && absl::Now() < give_up) {
      absl::SleepFor(absl::Microseconds(50));
    }
  });
  const int64_t syncs_before = fs_.sync_count();
  std::vector<std::thread> threads;
  threads.emplace_back([&] { EXPECT_TRUE(c_->AddPartitions("a", p[0], {{"a", 0}}).ok()); });
  while (!held.load()) std::this_thread::yield();
  threads.emplace_back([&] { EXPECT_TRUE(c_->AddPartitions("b", p[1], {{"b", 0}}).ok()); });
  threads.emplace_back([&] { EXPECT_TRUE(c_->AddPartitions("c", p[2], {{"c", 0}}).ok()); });
  for (std::thread& t : threads) t.join();
  fs_.SetSyncHook(nullptr);
  // a's fsync, then one for b and c together.
  EXPECT_EQ(fs_.sync_count() - syncs_before, 2);
  EXPECT_EQ(broker_.armed.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::string id(1, static_cast<char>('a' + i));
    ASSERT_TRUE(c_->EndTransaction(id, p[i], /*commit=*/true).ok());
    EXPECT_EQ(State(id), TxnState::kCompleteCommit);
  }
}

// Calls for the same id never interleave: a second call waits for the
// first one's fsync instead of acting on its not-yet-durable state.
TEST_F(CoordinatorTest, CallsForOneIdWaitForEachOther) {
  auto p = *c_->InitProducerId("t", 60000);
  std::atomic<bool> held{false};
  absl::Notification second_started, release;
  fs_.SetSyncHook([&](const std::string&) {
    if (held.exchange(true)) return;
    release.WaitForNotification();
  });
  std::thread first([&] { EXPECT_TRUE(c_->AddPartitions("t", p, {{"a", 0}}).ok()); });
  while (!held.load()) std::this_thread::yield();
  std::atomic<bool> second_done{false};
  std::thread second([&] {
    second_started.Notify();
    EXPECT_TRUE(c_->EndTransaction("t", p, /*commit=*/true).ok());
    second_done = true;
  });
  second_started.WaitForNotification();
  // Other ids are not held up meanwhile.
  EXPECT_TRUE(c_->Describe("t").has_value());
  EXPECT_FALSE(second_done.load());
  release.Notify();
  first.join();
  second.join();
  EXPECT_EQ(State("t"), TxnState::kCompleteCommit);
  EXPECT_THAT(Markers("a", 0),
              ElementsAre(FakeTxnBroker::Marker(p.producer_id, p.producer_epoch, true)));
}

// A failed state-log fsync fails the step (its partitions are not armed)
// and every later call: nothing is acknowledged after an fsync error.
TEST_F(CoordinatorTest, AStateLogFsyncErrorMakesTheCoordinatorUnavailable) {
  auto p = *c_->InitProducerId("t", 60000);
  fs_.FailNextSyncs(1);
  EXPECT_EQ(TxnErrorName(c_->AddPartitions("t", p, {{"a", 0}})), kCoordinatorNotAvailable);
  EXPECT_TRUE(broker_.armed.empty());
  EXPECT_EQ(TxnErrorName(c_->EndTransaction("t", p, /*commit=*/true)),
            kCoordinatorNotAvailable);
  EXPECT_EQ(TxnErrorName(c_->InitProducerId("u", 1000).status()), kCoordinatorNotAvailable);
  EXPECT_TRUE(Markers("a", 0).empty());
}

// Many producers at once (each its own id, sharing partitions), with the
// Tick thread running beside them: every transaction ends with exactly one
// marker of its outcome in each of its partitions, nothing is left open,
// and a reopen replays the same states.
TEST_F(CoordinatorTest, ConcurrentProducersEndEveryTransactionExactlyOnce) {
  constexpr int kProducers = 6;
  constexpr int kTxns = 25;
  std::vector<ProducerIdAndEpoch> p;
  for (int i = 0; i < kProducers; ++i) {
    p.push_back(*c_->InitProducerId("p" + std::to_string(i), 60000));
  }
  std::atomic<bool> stop{false};
  std::thread ticker([&] {
    while (!stop.load()) EXPECT_EQ(c_->Tick(), 0);  // nothing times out
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < kProducers; ++i) {
    threads.emplace_back([&, i] {
      const std::string id = "p" + std::to_string(i);
      for (int t = 0; t < kTxns; ++t) {
        // Partitions 0..3 of "s" are shared by everyone; "own" is private.
        const std::vector<TopicPartition> parts = {{"s", (i + t) % 4}, {"own" + id, 0}};
        ASSERT_TRUE(c_->AddPartitions(id, p[i], parts).ok());
        ASSERT_TRUE(c_->EndTransaction(id, p[i], /*commit=*/t % 3 != 0).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  stop = true;
  ticker.join();
  EXPECT_TRUE(broker_.armed.empty());  // every armed partition got its marker
  for (int i = 0; i < kProducers; ++i) {
    const std::string id = "p" + std::to_string(i);
    const std::vector<FakeTxnBroker::Marker> own = Markers("own" + id, 0);
    ASSERT_EQ(own.size(), static_cast<size_t>(kTxns));
    for (int t = 0; t < kTxns; ++t) {
      EXPECT_EQ(own[t], FakeTxnBroker::Marker(p[i].producer_id, p[i].producer_epoch, t % 3 != 0));
    }
    EXPECT_EQ(State(id), (kTxns - 1) % 3 != 0 ? TxnState::kCompleteCommit
                                               : TxnState::kCompleteAbort);
  }
  size_t shared = 0;
  for (int part = 0; part < 4; ++part) shared += Markers("s", part).size();
  EXPECT_EQ(shared, static_cast<size_t>(kProducers * kTxns));
  std::map<std::string, TxnMetadata> before;
  for (int i = 0; i < kProducers; ++i) {
    const std::string id = "p" + std::to_string(i);
    before[id] = *c_->Describe(id);
  }
  Reopen();
  for (const auto& [id, m] : before) EXPECT_EQ(*c_->Describe(id), m) << id;
}

}  // namespace
}  // namespace rtai::broker::txn
