// Recovery and fault tests for PartitionLog: torn tails, garbage, lost and
// corrupt indexes, fsync and write failures, crashes that drop unsynced data.

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "broker/log/partition_log.h"
#include "broker/log/segment.h"
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

// One scenario's directory, file system and clock.
struct Env {
  Env() : fs(DefaultFileSystem()) {
    config.segment_bytes = 16 * 1024;
    config.index_interval_bytes = 512;
  }
  std::unique_ptr<PartitionLog> Open() {
    auto log = PartitionLog::Open(dir.path(), {"t", 0}, config, &fs, &clock);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }
  std::string ActiveLogPath() {
    auto names = *fs.ListDir(dir.path());
    std::string last;
    for (const auto& n : names) {
      if (absl::EndsWith(n, ".log") && n > last) last = n;
    }
    return JoinPath(dir.path(), last);
  }
  testing::TempDir dir;
  testing::FaultInjectionFileSystem fs;
  FakeClock clock;
  LogConfig config;
};

// Batch tag t holds 3 records at offsets 3t..3t+2 (tags appended in order).
void ExpectAllRecords(PartitionLog* log, int64_t end) {
  int64_t next = log->log_start_offset().value();
  while (next < end) {
    auto r = log->Read(Offset(next), 1 << 16, Offset(end));
    ASSERT_TRUE(r.ok()) << r.status();
    auto records = DecodeRecordBatches(r->batches);
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_FALSE(records->empty());
    for (const Record& rec : *records) {
      const int64_t o = rec.offset.value();
      if (o < next) continue;
      ASSERT_EQ(o, next);
      ASSERT_TRUE(absl::StartsWith(*rec.value, ValuePrefix(o / 3, o % 3))) << o;
      ++next;
    }
  }
  EXPECT_EQ(next, end);
}

TEST(LogRecoveryTest, TornOrGarbageTailKeepsEveryEarlierRecord) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Env env;
    env.config.segment_bytes = 1 << 20;  // one segment: positions are known
    Random rng(seed);
    std::vector<int64_t> ends;  // file size after each batch
    {
      auto log = env.Open();
      const int batches = 5 + static_cast<int>(rng.Uniform(40));
      int64_t size = 0;
      for (int t = 0; t < batches; ++t) {
        auto info =
            log->Append(MakeBatch(t, 3, 10 + rng.Uniform(400)), LeaderEpoch(1));
        ASSERT_TRUE(info.ok());
        size += info->size_bytes;
        ends.push_back(size);
      }
      ASSERT_TRUE(log->Close().ok());
    }
    const std::string path = env.ActiveLogPath();
    std::string data = *env.fs.ReadFileToString(path);
    // mode 0: torn write (cut); 1: garbage appended; 2: cut, then garbage.
    const int mode = static_cast<int>(rng.Uniform(3));
    const size_t cut = mode == 1 ? data.size() : rng.Uniform(data.size() + 1);
    data.resize(cut);
    if (mode != 0) {
      const size_t n = 1 + rng.Uniform(3000);
      for (size_t i = 0; i < n; ++i)
        data.push_back(static_cast<char>(rng.Next()));
    }
    ASSERT_TRUE(env.fs.WriteFileAtomically(path, data).ok());
    int expected_batches = 0;
    while (expected_batches < static_cast<int>(ends.size()) &&
           ends[expected_batches] <= static_cast<int64_t>(cut)) {
      ++expected_batches;
    }
    auto log = env.Open();
    ASSERT_NE(log, nullptr);
    const int64_t end = log->log_end_offset().value();
    EXPECT_EQ(end, 3 * expected_batches);
    ExpectAllRecords(log.get(), end);
    auto info =
        log->Append(MakeBatch(static_cast<int>(end / 3)), LeaderEpoch(2));
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->base_offset.value(), end);
    EXPECT_EQ(*env.fs.FileSize(path),
              static_cast<uint64_t>((end == 0 ? 0 : ends[end / 3 - 1]) +
                                    info->size_bytes));
  }
}

TEST(LogRecoveryTest, ReplayedBatchWithWrongOffsetIsTruncated) {
  Env env;
  std::string first;
  {
    auto log = env.Open();
    for (int t = 0; t < 4; ++t)
      log->Append(MakeBatch(t), LeaderEpoch(1)).IgnoreError();
    ASSERT_TRUE(log->Close().ok());
  }
  // A valid batch (good CRC) whose baseOffset does not continue the log.
  const std::string path = env.ActiveLogPath();
  std::string data = *env.fs.ReadFileToString(path);
  const size_t size = data.size();
  data += MakeBatch(4);  // baseOffset 0, expected 12
  ASSERT_TRUE(env.fs.WriteFileAtomically(path, data).ok());
  auto log = env.Open();
  EXPECT_EQ(log->log_end_offset(), Offset(12));
  EXPECT_EQ(*env.fs.FileSize(path), size);
}

TEST(LogRecoveryTest, MissingAndCorruptIndexesAreRebuilt) {
  Env env;
  {
    auto log = env.Open();
    for (int t = 0; t < 200; ++t)
      log->Append(MakeBatch(t, 3, 200), LeaderEpoch(1)).IgnoreError();
    ASSERT_TRUE(log->Close().ok());
  }
  std::map<std::string, std::string> before;
  const std::vector<std::string> names = *env.fs.ListDir(env.dir.path());
  for (const auto& n : names) {
    if (absl::EndsWith(n, "index")) {
      before[n] = *env.fs.ReadFileToString(JoinPath(env.dir.path(), n));
    }
  }
  ASSERT_GE(before.size(), 6u);
  Random rng(7);
  int i = 0;
  for (const auto& [name, contents] : before) {
    const std::string path = JoinPath(env.dir.path(), name);
    switch (i++ % 3) {
      case 0:  // missing
        ASSERT_TRUE(env.fs.DeleteFile(path).ok());
        break;
      case 1: {  // entries pointing at the wrong places
        std::string bad = contents;
        for (char& c : bad) c = static_cast<char>(rng.Next());
        ASSERT_TRUE(env.fs.WriteFileAtomically(path, bad).ok());
        break;
      }
      default:  // torn: a partial entry
        ASSERT_TRUE(env.fs.WriteFileAtomically(path, contents + "xyz").ok());
    }
  }
  auto log = env.Open();
  EXPECT_EQ(log->log_end_offset(), Offset(600));
  ExpectAllRecords(log.get(), 600);
  EXPECT_EQ(*log->OffsetForTimestamp(1'700'000'000'000 + 2), Offset(0));
  ASSERT_TRUE(log->Close().ok());
  for (const auto& [name, contents] : before) {
    EXPECT_EQ(*env.fs.ReadFileToString(JoinPath(env.dir.path(), name)),
              contents)
        << name;
  }
}

TEST(LogRecoveryTest, StrayFilesAreCleaned) {
  Env env;
  {
    auto log = env.Open();
    log->Append(MakeBatch(0), LeaderEpoch(1)).IgnoreError();
    ASSERT_TRUE(log->Close().ok());
  }
  const std::string d = env.dir.path();
  for (const char* n :
       {"00000000000000000000.index.tmp", "00000000000000000077.index",
        "00000000000000000077.timeindex", "x.deleted", "README"}) {
    ASSERT_TRUE(env.fs.WriteFileAtomically(JoinPath(d, n), "junk").ok());
  }
  auto log = env.Open();
  EXPECT_FALSE(env.fs.Exists(JoinPath(d, "00000000000000000000.index.tmp")));
  EXPECT_FALSE(env.fs.Exists(JoinPath(d, "00000000000000000077.index")));
  EXPECT_FALSE(env.fs.Exists(JoinPath(d, "00000000000000000077.timeindex")));
  EXPECT_FALSE(env.fs.Exists(JoinPath(d, "x.deleted")));
  EXPECT_TRUE(env.fs.Exists(JoinPath(d, "README")));  // not ours: left alone
  EXPECT_EQ(log->log_end_offset(), Offset(3));
}

TEST(LogRecoveryTest, FsyncFailureFailsTheLogForever) {
  Env env;
  auto log = env.Open();
  log->Append(MakeBatch(0), LeaderEpoch(1)).IgnoreError();
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_EQ(log->durable_end_offset(), Offset(3));
  log->Append(MakeBatch(1), LeaderEpoch(1)).IgnoreError();
  env.fs.FailNextSyncs(1);
  absl::Status s = log->Sync();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("injected"));
  EXPECT_EQ(log->durable_end_offset(), Offset(3));  // never moves again
  EXPECT_EQ(log->health().code(), absl::StatusCode::kInternal);
  // The next fsync would succeed, but the log stays failed: pages that
  // failed to write back may already be dropped by the kernel.
  s = log->Sync();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("injected"));
  auto a = log->Append(MakeBatch(2), LeaderEpoch(1));
  EXPECT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(a.status().message()), HasSubstr("injected"));
  EXPECT_EQ(log->durable_end_offset(), Offset(3));
  EXPECT_EQ(log->log_end_offset(), Offset(6));
  // Reads of what was written still work.
  ExpectAllRecords(log.get(), 6);
}

TEST(LogRecoveryTest, DiskFullFailsTheLogAndReopenDropsThePartialBatch) {
  Env env;
  {
    auto log = env.Open();
    for (int t = 0; t < 5; ++t)
      log->Append(MakeBatch(t), LeaderEpoch(1)).IgnoreError();
    ASSERT_TRUE(log->Sync().ok());
    env.fs.SetWriteBudget(30);  // part of the next batch fits
    auto a = log->Append(MakeBatch(5), LeaderEpoch(1));
    EXPECT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(a.status().message()), HasSubstr("No space left"));
    EXPECT_EQ(log->health().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(log->log_end_offset(), Offset(15));
    EXPECT_EQ(log->Sync().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(log->Close().code(), absl::StatusCode::kFailedPrecondition);
  }
  env.fs.SetWriteBudget(-1);
  auto log = env.Open();
  EXPECT_EQ(log->log_end_offset(), Offset(15));
  ExpectAllRecords(log.get(), 15);
  EXPECT_EQ(log->Append(MakeBatch(5), LeaderEpoch(1))->base_offset, Offset(15));
}

TEST(LogRecoveryTest, CrashKeepsEverySyncedRecord) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Env env;
    env.config.segment_bytes = 4096;  // crashes land around rolls too
    Random rng(seed);
    int64_t durable = 0;
    int64_t written = 0;
    {
      auto log = env.Open();
      const int batches = 10 + static_cast<int>(rng.Uniform(80));
      for (int t = 0; t < batches; ++t) {
        ASSERT_TRUE(
            log->Append(MakeBatch(t, 3, rng.Uniform(300)), LeaderEpoch(1))
                .ok());
        if (rng.Uniform(4) == 0) {
          ASSERT_TRUE(log->Sync().ok());
        }
      }
      durable = log->durable_end_offset().value();
      written = log->log_end_offset().value();
      // The process dies: no Close(), then the machine loses power.
    }
    ASSERT_TRUE(env.fs.DropUnsyncedData().ok());
    auto log = env.Open();
    ASSERT_NE(log, nullptr);
    const int64_t end = log->log_end_offset().value();
    EXPECT_GE(end, durable);
    EXPECT_LE(end, written);
    ExpectAllRecords(log.get(), end);
    EXPECT_EQ(log->Append(MakeBatch(static_cast<int>(end / 3)), LeaderEpoch(2))
                  ->base_offset,
              Offset(end));
  }
}

TEST(LogRecoveryTest, ConcurrentReadersSeeOnlyWholeBatches) {
  Env env;
  auto log = env.Open();
  constexpr int kBatches = 2000;
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<int64_t> reads{0};
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const int64_t end = log->log_end_offset().value();
        if (end == 0) continue;
        auto res = log->Read(Offset(end / 2), 8192, Offset(end));
        ASSERT_TRUE(res.ok()) << res.status();
        auto recs = DecodeRecordBatches(res->batches);
        ASSERT_TRUE(recs.ok()) << recs.status();
        for (const Record& rec : *recs) {
          const int64_t o = rec.offset.value();
          ASSERT_TRUE(absl::StartsWith(*rec.value, ValuePrefix(o / 3, o % 3)));
        }
        ++reads;
      }
    });
  }
  for (int t = 0; t < kBatches; ++t) {
    ASSERT_TRUE(log->Append(MakeBatch(t, 3, 40), LeaderEpoch(1)).ok());
    if (t % 100 == 0) {
      ASSERT_TRUE(log->Sync().ok());
    }
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  ExpectAllRecords(log.get(), 3 * kBatches);
}

TEST(LogConfigTest, ValidateNamesTheField) {
  LogConfig c;
  EXPECT_TRUE(c.Validate().ok());
  c.segment_bytes = 100;
  EXPECT_THAT(std::string(c.Validate().message()), HasSubstr("segment_bytes"));
  c = LogConfig();
  c.retention_ms = -2;
  EXPECT_THAT(std::string(c.Validate().message()), HasSubstr("retention_ms"));
  c = LogConfig();
  c.max_message_bytes = 10;
  EXPECT_EQ(c.Validate().code(), absl::StatusCode::kInvalidArgument);
  c = LogConfig();
  c.flush_interval_ms = 0;
  EXPECT_THAT(std::string(c.Validate().message()),
              HasSubstr("flush_interval_ms"));
  Env env;
  env.config.segment_bytes = 5;
  EXPECT_EQ(PartitionLog::Open(env.dir.path(), {"t", 0}, env.config, &env.fs,
                               &env.clock)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtai::broker
