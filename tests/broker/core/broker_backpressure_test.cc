// Disk-queue bounds: with the only disk thread held inside an fsync, Produce
// admits up to disk_queue_capacity requests (or disk_queue_bytes_max bytes)
// and answers kResourceExhausted beyond, without blocking the caller.

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "broker/core/broker.h"
#include "gtest/gtest.h"
#include "tests/broker/core/broker_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::rtai::broker::testing::BatchOf;

// A file system whose WritableFile::Sync blocks while the gate is closed,
// and reports when a sync is blocked.
class GatedSyncFileSystem : public FileSystem {
 public:
  class File : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> base, GatedSyncFileSystem* fs)
        : base_(std::move(base)), fs_(fs) {}
    absl::Status Append(absl::string_view d) override {
      return base_->Append(d);
    }
    absl::Status Sync() override {
      fs_->WaitForGate();
      return base_->Sync();
    }
    absl::Status Truncate(uint64_t s) override { return base_->Truncate(s); }
    absl::Status Close() override { return base_->Close(); }
    uint64_t Size() const override { return base_->Size(); }

   private:
    std::unique_ptr<WritableFile> base_;
    GatedSyncFileSystem* fs_;
  };

  void Close() {
    absl::MutexLock l(&mu_);
    open_ = false;
  }
  void Open() {
    absl::MutexLock l(&mu_);
    open_ = true;
  }
  void WaitUntilSyncBlocked() {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(&blocked_));
  }
  void WaitForGate() {
    absl::MutexLock l(&mu_);
    if (open_) return;
    blocked_ = true;
    mu_.Await(absl::Condition(&open_));
    blocked_ = false;
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& p, bool t) override {
    auto f = base_->OpenWritable(p, t);
    if (!f.ok()) return f.status();
    return std::unique_ptr<WritableFile>(new File(*std::move(f), this));
  }
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(
      const std::string& p) override {
    return base_->OpenRandomAccess(p);
  }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  absl::StatusOr<uint64_t> FileSize(const std::string& p) override {
    return base_->FileSize(p);
  }
  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& d) override {
    return base_->ListDir(d);
  }
  absl::Status CreateDirs(const std::string& d) override {
    return base_->CreateDirs(d);
  }
  absl::Status DeleteFile(const std::string& p) override {
    return base_->DeleteFile(p);
  }
  absl::Status DeleteDirRecursive(const std::string& d) override {
    return base_->DeleteDirRecursive(d);
  }
  absl::Status Rename(const std::string& a, const std::string& b) override {
    return base_->Rename(a, b);
  }
  absl::Status SyncDir(const std::string& d) override {
    return base_->SyncDir(d);
  }
  absl::Status TruncateFile(const std::string& p, uint64_t s) override {
    return base_->TruncateFile(p, s);
  }

 private:
  FileSystem* base_ = DefaultFileSystem();
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;
};

struct Pending {
  absl::Notification done;
  absl::StatusOr<AppendInfo> result;
  ProduceCallback Callback() {
    return [this](absl::StatusOr<AppendInfo> r) {
      result = std::move(r);
      done.Notify();
    };
  }
};

class BrokerBackpressureTest : public ::testing::Test {
 protected:
  void Open(int32_t capacity, int64_t bytes_max) {
    BrokerOptions o;
    o.data_dir = dir_.path();
    o.disk_threads = 1;
    o.disk_queue_capacity = capacity;
    o.disk_queue_bytes_max = bytes_max;
    auto b = Broker::Open(o, &fs_, SystemClock());
    ASSERT_TRUE(b.ok()) << b.status();
    broker_ = *std::move(b);
    ASSERT_TRUE(broker_->CreateTopic("t", 1, {}).ok());
  }
  void TearDown() override {
    fs_.Open();
    if (broker_) broker_->Shutdown();
  }

  ::rtai::testing::TempDir dir_;
  GatedSyncFileSystem fs_;
  std::unique_ptr<Broker> broker_;
};

TEST_F(BrokerBackpressureTest, FullQueueAnswersResourceExhaustedAtOnce) {
  Open(/*capacity=*/2, /*bytes_max=*/int64_t{1} << 30);
  fs_.Close();
  Pending first, second, third;
  broker_->Produce("t", PartitionId(0), BatchOf({"1"}), Acks::kAll,
                   first.Callback());
  fs_.WaitUntilSyncBlocked();  // the disk thread holds request 1 in fsync
  broker_->Produce("t", PartitionId(0), BatchOf({"2"}), Acks::kAll,
                   second.Callback());
  broker_->Produce("t", PartitionId(0), BatchOf({"3"}), Acks::kAll,
                   third.Callback());
  ASSERT_TRUE(third.done.HasBeenNotified());  // answered without blocking
  EXPECT_EQ(third.result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(third.result.status().message().find("back off"),
            absl::string_view::npos);
  EXPECT_FALSE(first.done.HasBeenNotified());  // not acked before its fsync
  EXPECT_FALSE(second.done.HasBeenNotified());
  fs_.Open();
  first.done.WaitForNotification();
  second.done.WaitForNotification();
  ASSERT_TRUE(first.result.ok());
  ASSERT_TRUE(second.result.ok());
  EXPECT_EQ(first.result->base_offset, Offset(0));
  EXPECT_EQ(second.result->base_offset, Offset(1));
  // Room again once the queue drained.
  auto again =
      ProduceAndWait(*broker_, "t", PartitionId(0), BatchOf({"4"}), Acks::kAll);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->base_offset, Offset(2));
}

TEST_F(BrokerBackpressureTest, ByteBoundAlsoLimitsTheQueue) {
  const std::string batch = BatchOf({std::string(600, 'x')});
  Open(/*capacity=*/100, /*bytes_max=*/static_cast<int64_t>(batch.size()) * 2);
  fs_.Close();
  Pending a, b, c;
  broker_->Produce("t", PartitionId(0), batch, Acks::kAll, a.Callback());
  fs_.WaitUntilSyncBlocked();
  broker_->Produce("t", PartitionId(0), batch, Acks::kAll, b.Callback());
  broker_->Produce("t", PartitionId(0), batch, Acks::kAll, c.Callback());
  ASSERT_TRUE(c.done.HasBeenNotified());
  EXPECT_EQ(c.result.status().code(), absl::StatusCode::kResourceExhausted);
  fs_.Open();
  a.done.WaitForNotification();
  b.done.WaitForNotification();
  EXPECT_TRUE(a.result.ok());
  EXPECT_TRUE(b.result.ok());
}

TEST_F(BrokerBackpressureTest, GroupCommitCoversAppendsQueuedDuringAnFsync) {
  Open(/*capacity=*/100, /*bytes_max=*/int64_t{1} << 30);
  fs_.Close();
  Pending first;
  broker_->Produce("t", PartitionId(0), BatchOf({"0"}), Acks::kAll,
                   first.Callback());
  fs_.WaitUntilSyncBlocked();
  std::vector<std::unique_ptr<Pending>> rest;
  for (int i = 0; i < 20; ++i) {
    rest.push_back(std::make_unique<Pending>());
    broker_->Produce("t", PartitionId(0), BatchOf({std::to_string(i + 1)}),
                     Acks::kAll, rest.back()->Callback());
  }
  fs_.Open();
  for (auto& p : rest) {
    p->done.WaitForNotification();
    ASSERT_TRUE(p->result.ok()) << p->result.status();
  }
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(rest[i]->result->base_offset, Offset(i + 1));
}

}  // namespace
}  // namespace rtai::broker
