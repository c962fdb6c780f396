// Deterministic simulation: random sequences of appends, syncs, reads,
// retention, clean reopens, injected fsync failures and crashes (unsynced
// data dropped), checked against a model, over many seeds. Every batch holds
// 3 records and batch `t` holds offsets 3t..3t+2, so the model is just the
// start, end and durable offsets.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "broker/log/partition_log.h"
#include "gtest/gtest.h"
#include "tests/broker/log/log_test_util.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using testutil::MakeBatch;
using testutil::ValuePrefix;

struct Model {
  int64_t start = 0;
  int64_t end = 0;      // appended
  int64_t durable = 0;  // acknowledged as synced
};

// Reads [from, end) in random-sized chunks and checks every record.
void CheckReads(PartitionLog* log, int64_t from, int64_t end, Random* rng) {
  int64_t next = from;
  while (next < end) {
    auto r =
        log->Read(Offset(next), static_cast<int32_t>(1 + rng->Uniform(6000)),
                  Offset(end));
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
}

void RunSimulation(uint64_t seed) {
  Random rng(seed);
  testing::TempDir dir;
  testing::FaultInjectionFileSystem fs(DefaultFileSystem());
  FakeClock clock;
  LogConfig config;
  config.segment_bytes = 2048 + static_cast<int64_t>(rng.Uniform(8192));
  config.index_interval_bytes = static_cast<int32_t>(rng.Uniform(2048));
  auto open = [&] {
    auto log = PartitionLog::Open(dir.path(), {"sim", 0}, config, &fs, &clock);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  };
  std::unique_ptr<PartitionLog> log = open();
  Model m;
  for (int step = 0; step < 250 && !::testing::Test::HasFailure(); ++step) {
    const uint64_t op = rng.Uniform(100);
    if (op < 55) {  // append
      auto info = log->Append(MakeBatch(static_cast<int>(m.end / 3), 3,
                                        rng.Uniform(500), clock.NowMillis()),
                              LeaderEpoch(1));
      if (!log->health().ok()) {
        ASSERT_FALSE(info.ok());
        continue;
      }
      ASSERT_TRUE(info.ok()) << info.status();
      ASSERT_EQ(info->base_offset.value(), m.end);
      m.end += 3;
      clock.AdvanceMillis(static_cast<int64_t>(rng.Uniform(1000)));
    } else if (op < 70) {  // sync, sometimes failing
      if (rng.Uniform(10) == 0) fs.FailNextSyncs(1);
      const int64_t before = log->durable_end_offset().value();
      if (log->Sync().ok()) {
        m.durable = m.end;
        ASSERT_EQ(log->durable_end_offset().value(), m.end);
      } else {
        ASSERT_FALSE(log->health().ok());
        ASSERT_EQ(log->durable_end_offset().value(), before);
      }
      fs.FailNextSyncs(0);  // unused when there was nothing to sync
    } else if (op < 85) {   // read a random range
      if (m.end > m.start) {
        const int64_t from =
            m.start + static_cast<int64_t>(rng.Uniform(m.end - m.start));
        CheckReads(log.get(), from, m.end, &rng);
      }
    } else if (op < 90) {  // retention by bytes
      config.retention_bytes = static_cast<int64_t>(rng.Uniform(20000));
      log->UpdateConfig(config);
      auto deleted = log->EnforceRetention();
      if (log->health().ok()) {
        ASSERT_TRUE(deleted.ok()) << deleted.status();
        m.start = log->log_start_offset().value();
        ASSERT_EQ(m.start % 3, 0);
        ASSERT_LE(m.start, m.end);
      }
      config.retention_bytes = -1;
      log->UpdateConfig(config);
    } else if (op <
               95) {  // clean restart (a failed log loses its unsynced tail)
      const bool failed = !log->health().ok();
      ASSERT_EQ(log->Close().ok(), !failed);
      log.reset();
      if (failed) {
        ASSERT_TRUE(fs.DropUnsyncedData().ok());
      }
      log = open();
      ASSERT_NE(log, nullptr);
      const int64_t end = log->log_end_offset().value();
      if (failed) {
        ASSERT_GE(end, m.durable);
        ASSERT_LE(end, m.end);
        m.end = end;
      }
      ASSERT_EQ(end, m.end);
      m.durable = m.end;  // open syncs what it recovered
    } else {              // crash: power loss
      log.reset();
      ASSERT_TRUE(fs.DropUnsyncedData().ok());
      log = open();
      ASSERT_NE(log, nullptr);
      const int64_t end = log->log_end_offset().value();
      ASSERT_GE(end, m.durable) << "lost acknowledged data";
      ASSERT_LE(end, m.end);
      m.end = end;
      m.durable = end;
    }
    ASSERT_EQ(log->log_start_offset().value(), m.start);
    ASSERT_EQ(log->log_end_offset().value(), m.end);
    // Rolls make sealed segments durable too; durability never goes back.
    ASSERT_GE(log->durable_end_offset().value(), m.durable);
    m.durable = log->durable_end_offset().value();
  }
  if (!::testing::Test::HasFailure() && log->health().ok()) {
    CheckReads(log.get(), m.start, m.end, &rng);
  }
}

TEST(LogSimulationTest, RandomOperationsMatchTheModel) {
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    RunSimulation(seed);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace rtai::broker
