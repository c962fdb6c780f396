#include "broker/log/partition_log.h"

#include <thread>

#include "absl/strings/match.h"
#include "base/byte_order.h"
#include "base/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/log/log_test_util.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using ::testing::HasSubstr;
using testutil::MakeBatch;
using testutil::ValuePrefix;

class PartitionLogTest : public ::testing::Test {
 protected:
  PartitionLogTest() : fs_(DefaultFileSystem()) {
    config_.segment_bytes = 64 * 1024;
    config_.index_interval_bytes = 1024;
  }

  std::unique_ptr<PartitionLog> OpenLog() {
    auto log =
        PartitionLog::Open(dir_.path(), {"orders", 3}, config_, &fs_, &clock_);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Appends batch `tag` (3 records); returns its base offset.
  int64_t AppendTag(PartitionLog* log, int tag, size_t value_size = 20) {
    auto info = log->Append(MakeBatch(tag, 3, value_size, clock_.NowMillis()),
                            LeaderEpoch(5));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? info->base_offset.value() : -1;
  }

  // Reads everything from `from` and checks offsets and values: batch tag t
  // holds offsets 3t..3t+2.
  void ExpectRecords(PartitionLog* log, int64_t from, int64_t end) {
    std::vector<Record> all;
    int64_t next = from;
    while (next < end) {
      auto r = log->Read(Offset(next), 4096, Offset(end));
      ASSERT_TRUE(r.ok()) << r.status();
      auto records = DecodeRecordBatches(r->batches);
      ASSERT_TRUE(records.ok()) << records.status();
      ASSERT_FALSE(records->empty());
      for (Record& rec : *records) {
        if (rec.offset.value() >= next) all.push_back(std::move(rec));
      }
      next = all.back().offset.value() + 1;
    }
    ASSERT_EQ(static_cast<int64_t>(all.size()), end - from);
    for (const Record& rec : all) {
      const int64_t o = rec.offset.value();
      ASSERT_TRUE(absl::StartsWith(*rec.value, ValuePrefix(o / 3, o % 3))) << o;
    }
  }

  testing::TempDir dir_;
  testing::FaultInjectionFileSystem fs_;
  FakeClock clock_;
  LogConfig config_;
};

TEST_F(PartitionLogTest, AppendsAssignOffsetsAndStampEpoch) {
  auto log = OpenLog();
  for (int t = 0; t < 10; ++t) EXPECT_EQ(AppendTag(log.get(), t), 3 * t);
  EXPECT_EQ(log->log_end_offset(), Offset(30));
  auto r = log->Read(Offset(4), 1 << 20, Offset(30));
  ASSERT_TRUE(r.ok());
  auto h = ParseBatchHeader(r->batches);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->base_offset, 3);  // the batch holding offset 4
  EXPECT_EQ(h->partition_leader_epoch, 5);
  ExpectRecords(log.get(), 0, 30);
}

TEST_F(PartitionLogTest, ReadHonoursMaxBytesLimitAndRange) {
  auto log = OpenLog();
  for (int t = 0; t < 20; ++t) AppendTag(log.get(), t, 200);
  const int64_t batch_size = static_cast<int64_t>(MakeBatch(0, 3, 200).size());
  auto r = log->Read(Offset(0), 1, Offset(60));  // first batch whole
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<int64_t>(r->batches.size()), batch_size);
  r = log->Read(Offset(0), static_cast<int32_t>(3 * batch_size + 10),
                Offset(60));
  EXPECT_EQ(static_cast<int64_t>(r->batches.size()), 3 * batch_size);
  r = log->Read(Offset(0), 1 << 20, Offset(7));  // stops before the limit
  EXPECT_EQ(DecodeRecordBatches(r->batches)->back().offset, Offset(8));
  r = log->Read(Offset(60), 1 << 20, Offset(60));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->batches.empty());
  EXPECT_EQ(log->Read(Offset(61), 100, Offset(100)).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log->Read(Offset(-1), 100, Offset(100)).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(PartitionLogTest, RejectsBadBatchesWithoutAppending) {
  auto log = OpenLog();
  AppendTag(log.get(), 0);
  std::string bad = MakeBatch(1);
  bad[bad.size() - 1] ^= 1;
  EXPECT_EQ(log->Append(bad, LeaderEpoch(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append("short", LeaderEpoch(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  config_.max_message_bytes = 200;
  log->UpdateConfig(config_);
  EXPECT_EQ(log->Append(MakeBatch(1, 3, 500), LeaderEpoch(1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(log->log_end_offset(), Offset(3));
  EXPECT_TRUE(log->health().ok());
}

TEST_F(PartitionLogTest, RollsBySizeAndReadsAcrossSegments) {
  auto log = OpenLog();
  for (int t = 0; t < 400; ++t) AppendTag(log.get(), t, 300);  // ~400 KiB
  LogStats stats = log->Stats();
  EXPECT_GE(stats.segment_count, 6);
  EXPECT_LE(stats.size_bytes,
            int64_t{stats.segment_count} * config_.segment_bytes);
  ExpectRecords(log.get(), 0, 1200);
  ExpectRecords(log.get(), 577, 1200);
  auto names = fs_.ListDir(dir_.path());
  int logs = 0;
  for (const auto& n : *names) logs += absl::EndsWith(n, ".log");
  EXPECT_EQ(logs, stats.segment_count);
}

TEST_F(PartitionLogTest, RollsByAge) {
  config_.segment_ms = 60'000;
  auto log = OpenLog();
  AppendTag(log.get(), 0);
  clock_.AdvanceMillis(59'999);
  AppendTag(log.get(), 1);
  EXPECT_EQ(log->Stats().segment_count, 1);
  clock_.AdvanceMillis(1);
  AppendTag(log.get(), 2);
  EXPECT_EQ(log->Stats().segment_count, 2);
  clock_.AdvanceMillis(60'000);  // retention rolls an old active segment too
  ASSERT_TRUE(log->EnforceRetention().ok());
  EXPECT_EQ(log->Stats().segment_count, 3);
  ExpectRecords(log.get(), 0, 9);
}

TEST_F(PartitionLogTest, RetentionByTimeDeletesOldSealedSegments) {
  config_.retention_ms = 3'600'000;
  config_.segment_bytes = 4096;
  auto log = OpenLog();
  for (int t = 0; t < 40; ++t) AppendTag(log.get(), t, 300);  // old records
  const int old_segments = log->Stats().segment_count;
  clock_.AdvanceMillis(2 * 3'600'000);
  for (int t = 40; t < 42; ++t) AppendTag(log.get(), t, 300);  // new records
  auto deleted = log->EnforceRetention();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_GE(*deleted, old_segments - 1);
  EXPECT_EQ(log->log_start_offset(), Offset(120));
  EXPECT_EQ(log->Read(Offset(0), 100, Offset(200)).status().code(),
            absl::StatusCode::kOutOfRange);
  ExpectRecords(log.get(), 120, 126);
  // Everything is expired now, but the active segment is never deleted.
  clock_.AdvanceMillis(2 * 3'600'000);
  ASSERT_TRUE(log->EnforceRetention().ok());
  EXPECT_GE(log->Stats().segment_count, 1);
  EXPECT_EQ(log->log_end_offset(), Offset(126));
}

TEST_F(PartitionLogTest, RetentionByBytesKeepsTheNewestData) {
  config_.segment_bytes = 4096;
  config_.retention_bytes = 3 * 4096;
  auto log = OpenLog();
  for (int t = 0; t < 100; ++t) AppendTag(log.get(), t, 300);
  ASSERT_TRUE(log->EnforceRetention().ok());
  const LogStats s = log->Stats();
  EXPECT_GE(s.size_bytes, config_.retention_bytes);
  EXPECT_LT(s.size_bytes, config_.retention_bytes + 2 * 4096);
  EXPECT_GT(s.log_start_offset, Offset(0));
  ExpectRecords(log.get(), s.log_start_offset.value(), 300);
  // Reopen: the start offset comes from the first remaining segment.
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  EXPECT_EQ(log->log_start_offset(), s.log_start_offset);
}

TEST_F(PartitionLogTest, OffsetForTimestamp) {
  config_.segment_bytes = 4096;
  auto log = OpenLog();
  for (int t = 0; t < 50; ++t) {
    AppendTag(log.get(), t, 200);
    clock_.AdvanceMillis(1000);
  }
  const int64_t t0 = 1'700'000'000'000;
  EXPECT_EQ(*log->OffsetForTimestamp(0), Offset(0));
  EXPECT_EQ(*log->OffsetForTimestamp(t0 + 17'000), Offset(51));
  EXPECT_EQ(*log->OffsetForTimestamp(t0 + 17'001), Offset(51));  // max ts +2
  EXPECT_EQ(*log->OffsetForTimestamp(t0 + 17'003), Offset(54));
  EXPECT_EQ(*log->OffsetForTimestamp(t0 + 99'000'000), Offset(150));
}

TEST_F(PartitionLogTest, ReopenKeepsEverything) {
  {
    auto log = OpenLog();
    for (int t = 0; t < 300; ++t) AppendTag(log.get(), t, 250);
    ASSERT_TRUE(log->Close().ok());
    EXPECT_EQ(log->Append(MakeBatch(0), LeaderEpoch(1)).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  auto log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), Offset(900));
  EXPECT_EQ(log->durable_end_offset(), Offset(900));
  ExpectRecords(log.get(), 0, 900);
  EXPECT_EQ(AppendTag(log.get(), 300), 900);
}

TEST_F(PartitionLogTest, FlippedByteInSealedSegmentIsDataLossNotServed) {
  config_.segment_bytes = 4096;
  {
    auto log = OpenLog();
    for (int t = 0; t < 60; ++t) AppendTag(log.get(), t, 200);
    ASSERT_GE(log->Stats().segment_count, 3);
    ASSERT_TRUE(log->Close().ok());
  }
  // Flip one byte inside a record of the second segment's third batch.
  auto names = *fs_.ListDir(dir_.path());
  std::sort(names.begin(), names.end());
  std::vector<std::string> logs;
  for (const auto& n : names) {
    if (absl::EndsWith(n, ".log")) logs.push_back(n);
  }
  const std::string victim = JoinPath(dir_.path(), logs[1]);
  std::string data = *fs_.ReadFileToString(victim);
  const int64_t batch_size = static_cast<int64_t>(MakeBatch(0, 3, 200).size());
  const size_t pos = static_cast<size_t>(2 * batch_size + 100);
  data[pos] ^= 0x01;
  ASSERT_TRUE(fs_.WriteFileAtomically(victim, data).ok());
  auto log = OpenLog();  // sealed segments are not scanned in full at open
  const int64_t base = std::stoll(logs[1].substr(0, 20));
  auto r = log->Read(Offset(base + 6), 1 << 20, Offset(1000));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  const std::string msg(r.status().message());
  EXPECT_THAT(msg, HasSubstr(logs[1]));
  EXPECT_THAT(msg, HasSubstr(absl::StrCat("position ", 2 * batch_size)));
  EXPECT_THAT(msg, HasSubstr(absl::StrCat("baseOffset ", base + 6)));
  // A read that ends before the damaged batch is still served; one that
  // starts before it and runs into it fails rather than serving it.
  auto before = log->Read(Offset(base), static_cast<int32_t>(2 * batch_size),
                          Offset(1000));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(DecodeRecordBatches(before->batches)->size(), 6u);
  EXPECT_EQ(log->Read(Offset(base), 1 << 20, Offset(1000)).status().code(),
            absl::StatusCode::kDataLoss);
  ExpectRecords(log.get(), base + 9, 180);
}

TEST_F(PartitionLogTest, GarbageBatchHeaderInSealedSegmentIsDataLoss) {
  config_.segment_bytes = 4096;
  config_.index_interval_bytes = 1 << 20;  // no index: lookups scan headers
  {
    auto log = OpenLog();
    for (int t = 0; t < 30; ++t) AppendTag(log.get(), t, 200);
    ASSERT_TRUE(log->Close().ok());
  }
  const std::string first = JoinPath(dir_.path(), "00000000000000000000.log");
  std::string data = *fs_.ReadFileToString(first);
  const int64_t batch_size = static_cast<int64_t>(MakeBatch(0, 3, 200).size());
  // The second batch's batchLength now points far past the end.
  StoreBigEndian<int32_t>(data.data() + batch_size + 8, 0x7ffffff0);
  ASSERT_TRUE(fs_.WriteFileAtomically(first, data).ok());
  auto log = OpenLog();
  auto r = log->Read(Offset(7), 1 << 20, Offset(1000));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("00000000000000000000.log"));
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr(absl::StrCat("position ", batch_size)));
  // The first batch is still served; the next segment is intact.
  auto ok = log->Read(Offset(0), 1, Offset(1000));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(static_cast<int64_t>(ok->batches.size()), batch_size);
  const Offset second_base = *log->OffsetForTimestamp(1'800'000'000'000);
  EXPECT_EQ(second_base, log->log_end_offset());
}

}  // namespace
}  // namespace rtai::broker
