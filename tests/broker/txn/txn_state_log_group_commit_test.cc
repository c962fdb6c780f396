// TxnStateLog group commit: concurrent appenders share fsyncs (one leader
// fsyncs for every waiter it covers), an fsync error fails every waiter
// and the log for good, records become durable in the order written.
// Races are lined up with the fault-injecting file system's sync hook and
// TxnStateLog::waiting(), never with sleeps.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "broker/txn/txn_state_log.h"
#include "gtest/gtest.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker::txn {
namespace {

TxnMetadata Meta(const std::string& id, int16_t epoch) {
  TxnMetadata m;
  m.transactional_id = id;
  m.producer_id = 7;
  m.producer_epoch = epoch;
  m.timeout_ms = 1000;
  m.state = TxnState::kOngoing;
  m.partitions = {{"t", 0}};
  return m;
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = TxnStateLog::Open(&fs_, dir_.path(), &state_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }
  // Writes `m` (callers' Writes are serialized, as the coordinator does).
  int64_t Write(const TxnMetadata& m) {
    absl::MutexLock l(&write_mu_);
    state_[m.transactional_id] = m;
    absl::StatusOr<int64_t> seq = log_->Write(m, state_);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq : -1;
  }
  // The first fsync blocks until `waiters` callers wait behind it.
  void HoldFirstSyncUntilWaiters(int waiters) {
    fs_.SetSyncHook([this, waiters, first = std::make_shared<std::atomic<bool>>(true)](
                        const std::string&) {
      if (!first->exchange(false)) return;
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      while (log_->waiting() < waiters && absl::Now() < give_up) {
        absl::SleepFor(absl::Microseconds(50));  // polling a counter, not a race
      }
    });
  }
  TxnStateLog::State Reload() {
    log_.reset();
    TxnStateLog::State loaded;
    EXPECT_TRUE(TxnStateLog::Open(DefaultFileSystem(), dir_.path(), &loaded).ok());
    return loaded;
  }

  rtai::testing::TempDir dir_;
  rtai::testing::FaultInjectionFileSystem fs_{DefaultFileSystem()};
  absl::Mutex write_mu_;
  TxnStateLog::State state_ ABSL_GUARDED_BY(write_mu_);
  std::unique_ptr<TxnStateLog> log_;
};

TEST_F(GroupCommitTest, ConcurrentAppendersShareFsyncs) {
  constexpr int kWaiters = 7;
  HoldFirstSyncUntilWaiters(kWaiters);
  std::vector<absl::Status> results(kWaiters + 1);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = log_->SyncTo(Write(Meta("leader", 1))); });
  // The leader's fsync is in flight (held) once it is the only sync call.
  while (log_->sync_calls() == 0) std::this_thread::yield();
  for (int i = 1; i <= kWaiters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = log_->SyncTo(Write(Meta("w" + std::to_string(i), 1)));
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  // The leader's fsync, then one more for all seven written during it.
  EXPECT_EQ(log_->sync_calls(), 2);
  EXPECT_EQ(fs_.sync_count(), 2);
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(Reload().size(), static_cast<size_t>(kWaiters + 1));
}

TEST_F(GroupCommitTest, AnFsyncErrorFailsEveryWaiterAndTheLog) {
  constexpr int kWaiters = 5;
  HoldFirstSyncUntilWaiters(kWaiters);
  fs_.FailNextSyncs(1);
  std::vector<absl::Status> results(kWaiters + 1);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = log_->SyncTo(Write(Meta("leader", 1))); });
  while (log_->sync_calls() == 0) std::this_thread::yield();
  for (int i = 1; i <= kWaiters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = log_->SyncTo(Write(Meta("w" + std::to_string(i), 1)));
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_FALSE(s.ok());
  // Nobody retried the fsync on a log whose dirty pages may be gone.
  EXPECT_EQ(log_->sync_calls(), 1);
  EXPECT_FALSE(log_->Write(Meta("late", 1), {}).ok());
  EXPECT_FALSE(log_->SyncTo(0).ok());
}

TEST_F(GroupCommitTest, RecordsBecomeDurableInTheOrderWritten) {
  Write(Meta("x", 1));
  const int64_t b = Write(Meta("x", 2));
  const int64_t c = Write(Meta("y", 3));
  EXPECT_LT(b, c);
  ASSERT_TRUE(log_->SyncTo(c).ok());
  EXPECT_EQ(log_->sync_calls(), 1);
  // Covered by the fsync for `c`: no fsync of its own.
  ASSERT_TRUE(log_->SyncTo(b).ok());
  EXPECT_EQ(log_->sync_calls(), 1);
  Write(Meta("x", 4));  // never synced: lost in the crash
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  TxnStateLog::State loaded = Reload();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded["x"].producer_epoch, 2);
  EXPECT_EQ(loaded["y"].producer_epoch, 3);
}

TEST_F(GroupCommitTest, CompactionMakesEverythingWrittenDurable) {
  log_.reset();
  state_.clear();
  auto log = TxnStateLog::Open(&fs_, dir_.path(), &state_, /*compact_bytes=*/2048);
  ASSERT_TRUE(log.ok());
  log_ = *std::move(log);
  int64_t last = 0;
  for (int i = 0; i < 200; ++i) last = Write(Meta("a", static_cast<int16_t>(i)));
  // A compaction rewrote the live state atomically on the way: the last
  // record may still need an fsync, but never a lost earlier one.
  ASSERT_TRUE(log_->SyncTo(last).ok());
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(Reload()["a"].producer_epoch, 199);
}

}  // namespace
}  // namespace rtai::broker::txn
