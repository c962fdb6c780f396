#include "broker/log/group_commit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/check.h"
#include "gtest/gtest.h"
#include "tests/broker/log/log_test_util.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using testutil::MakeBatch;

class GroupCommitTest : public ::testing::Test {
 protected:
  GroupCommitTest() : fs_(DefaultFileSystem()) {
    auto log =
        PartitionLog::Open(dir_.path(), {"t", 0}, LogConfig(), &fs_, &clock_);
    CHECK_OK(log.status());
    log_ = std::move(*log);
    syncs_at_open_ = fs_.sync_count();
  }
  // Syncs of the log since open.
  int64_t Syncs() const { return fs_.sync_count() - syncs_at_open_; }

  testing::TempDir dir_;
  testing::FaultInjectionFileSystem fs_;
  FakeClock clock_;
  std::unique_ptr<PartitionLog> log_;
  int64_t syncs_at_open_ = 0;
};

// Sync point: the first fsync blocks until the test opens the gate, so the
// other appenders line up behind it deterministically.
struct Gate {
  absl::Notification entered;
  absl::Notification open;
  std::atomic<bool> first{true};
  void Hook() {
    if (first.exchange(false)) {
      entered.Notify();
      open.WaitForNotification();
    }
  }
};

TEST_F(GroupCommitTest, WaitersBehindAnInFlightFsyncShareTheNextOne) {
  constexpr int kAppenders = 16;
  Gate gate;
  fs_.SetSyncHook([&](const std::string&) { gate.Hook(); });
  GroupCommitter committer({.disk_threads = 2});
  absl::Mutex mu;
  std::vector<absl::Status> results;
  auto record = [&](absl::Status s) {
    absl::MutexLock l(&mu);
    results.push_back(s);
  };
  // The first appender's fsync starts and blocks in the gate.
  auto first = log_->Append(MakeBatch(0), LeaderEpoch(1));
  committer.RequestSync(log_.get(), Offset(first->last_offset.value() + 1),
                        record);
  gate.entered.WaitForNotification();
  std::vector<std::thread> appenders;
  for (int i = 1; i < kAppenders; ++i) {
    appenders.emplace_back([&, i] {
      auto info = log_->Append(MakeBatch(i), LeaderEpoch(1));
      ASSERT_TRUE(info.ok());
      committer.RequestSync(log_.get(), Offset(info->last_offset.value() + 1),
                            record);
    });
  }
  for (auto& t : appenders) t.join();
  {
    absl::MutexLock l(&mu);
    EXPECT_TRUE(results.empty());  // nobody is acked before their fsync
  }
  gate.open.Notify();
  {
    absl::MutexLock l(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<absl::Status>* r) { return r->size() == kAppenders; },
        &results));
    for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(Syncs(), 2);  // 16 appends, 2 fsyncs
  EXPECT_EQ(committer.sync_calls(), 2);
  EXPECT_EQ(log_->durable_end_offset(), Offset(3 * kAppenders));
}

TEST_F(GroupCommitTest, ManyConcurrentAppendersUseFewerFsyncsThanAppends) {
  constexpr int kAppenders = 32;
  constexpr int kRounds = 30;
  GroupCommitter committer({.disk_threads = 2});
  std::vector<std::thread> threads;
  std::atomic<int> not_durable{0};
  for (int a = 0; a < kAppenders; ++a) {
    threads.emplace_back([&, a] {
      for (int r = 0; r < kRounds; ++r) {
        auto info =
            log_->Append(MakeBatch(a * kRounds + r, 2, 100), LeaderEpoch(1));
        ASSERT_TRUE(info.ok());
        const Offset up_to(info->last_offset.value() + 1);
        ASSERT_TRUE(committer.SyncBlocking(log_.get(), up_to).ok());
        if (log_->durable_end_offset() < up_to) ++not_durable;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(not_durable.load(), 0);
  EXPECT_EQ(log_->durable_end_offset(), log_->log_end_offset());
  // Each fsync serves everyone who appended while the previous one ran.
  EXPECT_LT(Syncs(), kAppenders * kRounds / 2);
  EXPECT_GE(Syncs(), 1);
}

TEST_F(GroupCommitTest, FsyncFailureFailsEveryWaiterAndNothingIsAckedAfter) {
  auto first = log_->Append(MakeBatch(0), LeaderEpoch(1));
  GroupCommitter committer({.disk_threads = 1});
  ASSERT_TRUE(committer.SyncBlocking(log_.get(), Offset(3)).ok());
  const Offset durable_before = log_->durable_end_offset();
  Gate gate;
  fs_.SetSyncHook([&](const std::string&) { gate.Hook(); });
  fs_.FailNextSyncs(1);
  absl::Mutex mu;
  std::vector<absl::Status> results;
  auto record = [&](absl::Status s) {
    absl::MutexLock l(&mu);
    results.push_back(s);
  };
  auto info = log_->Append(MakeBatch(1), LeaderEpoch(1));
  committer.RequestSync(log_.get(), Offset(6), record);
  gate.entered.WaitForNotification();  // that fsync will fail
  for (int i = 2; i < 10; ++i) {
    info = log_->Append(MakeBatch(i), LeaderEpoch(1));
    ASSERT_TRUE(info.ok());
    committer.RequestSync(log_.get(), Offset(info->last_offset.value() + 1),
                          record);
  }
  gate.open.Notify();
  {
    absl::MutexLock l(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<absl::Status>* r) { return r->size() == 9; },
        &results));
    for (const absl::Status& s : results) EXPECT_FALSE(s.ok());
  }
  EXPECT_EQ(log_->durable_end_offset(), durable_before);
  // Later requests fail too; already-durable offsets still answer OK.
  EXPECT_EQ(committer.SyncBlocking(log_.get(), Offset(30)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(committer.SyncBlocking(log_.get(), Offset(3)).ok());
  EXPECT_FALSE(log_->Append(MakeBatch(10), LeaderEpoch(1)).ok());
}

TEST_F(GroupCommitTest, FullQueueRejectsInsteadOfBlocking) {
  Gate gate;
  fs_.SetSyncHook([&](const std::string&) { gate.Hook(); });
  std::atomic<int> ok{0};
  {
    GroupCommitter committer({.disk_threads = 1, .max_pending_requests = 2});
    log_->Append(MakeBatch(0), LeaderEpoch(1)).IgnoreError();
    committer.RequestSync(log_.get(), Offset(3),
                          [&](absl::Status s) { ok += s.ok(); });
    gate.entered.WaitForNotification();  // 1 request in flight (still counted)
    log_->Append(MakeBatch(1), LeaderEpoch(1)).IgnoreError();
    absl::Notification second_done;
    committer.RequestSync(log_.get(), Offset(6), [&](absl::Status s) {
      ok += s.ok();
      second_done.Notify();
    });
    absl::Status rejected;
    committer.RequestSync(log_.get(), Offset(6),
                          [&](absl::Status s) { rejected = s; });
    EXPECT_EQ(rejected.code(), absl::StatusCode::kResourceExhausted);
    gate.open.Notify();
    second_done.WaitForNotification();
    EXPECT_TRUE(committer.SyncBlocking(log_.get(), Offset(6)).ok());
  }  // the destructor completes what is pending
  EXPECT_EQ(ok.load(), 2);
}

}  // namespace
}  // namespace rtai::broker
