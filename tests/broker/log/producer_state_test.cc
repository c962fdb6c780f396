// Idempotent-producer sequence checks: the ProducerStateTable state machine
// and PartitionLog::Append with it, including recovery from the log at open.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "base/byte_order.h"
#include "base/crc32c.h"
#include "broker/log/partition_log.h"
#include "broker/log/producer_state.h"
#include "gtest/gtest.h"
#include "tests/broker/log/log_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

// A MakeBatch batch of `n` records stamped as an idempotent producer's.
std::string IdemBatch(int64_t pid, int16_t epoch, int32_t seq, int n = 3,
                      int tag = 0) {
  std::string b = testutil::MakeBatch(tag, n);
  StoreBigEndian<int64_t>(b.data() + batch_layout::kProducerId, pid);
  StoreBigEndian<int16_t>(b.data() + batch_layout::kProducerEpoch, epoch);
  StoreBigEndian<int32_t>(b.data() + batch_layout::kBaseSequence, seq);
  const uint32_t crc = crc32c::Value(b.data() + batch_layout::kAttributes,
                                     b.size() - batch_layout::kAttributes);
  StoreBigEndian<uint32_t>(b.data() + batch_layout::kCrc, crc);
  return b;
}

BatchHeader Header(int64_t pid, int16_t epoch, int32_t seq, int n,
                   int64_t base_offset) {
  BatchHeader h = *ParseBatchHeader(IdemBatch(pid, epoch, seq, n));
  h.base_offset = base_offset;
  return h;
}

std::string ErrorOf(const absl::StatusOr<std::optional<ProducerBatch>>& r) {
  return r.ok() ? "OK" : ProducerErrorName(r.status());
}

TEST(ProducerStateTableTest, SequenceStateMachine) {
  ProducerStateTable t;
  // Unknown producer: only sequence 0 starts it.
  EXPECT_EQ(ErrorOf(t.Check(Header(7, 0, 3, 1, 0))), "UNKNOWN_PRODUCER_ID");
  auto first = t.Check(Header(7, 0, 0, 3, 0));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  t.Record(Header(7, 0, 0, 3, 100));  // sequences 0-2 at offsets 100-102
  // The exact retry is a duplicate with the original offsets.
  auto dup = t.Check(Header(7, 0, 0, 3, 0));
  ASSERT_TRUE(dup.ok());
  ASSERT_TRUE(dup->has_value());
  EXPECT_EQ((*dup)->base_offset, 100);
  EXPECT_EQ((*dup)->last_offset, 102);
  // A gap, an overlap that is not an exact match, and a repeat of the start.
  EXPECT_EQ(ErrorOf(t.Check(Header(7, 0, 4, 1, 0))),
            "OUT_OF_ORDER_SEQUENCE_NUMBER");
  EXPECT_EQ(ErrorOf(t.Check(Header(7, 0, 1, 2, 0))),
            "OUT_OF_ORDER_SEQUENCE_NUMBER");
  EXPECT_EQ(ErrorOf(t.Check(Header(7, 0, 0, 1, 0))),
            "OUT_OF_ORDER_SEQUENCE_NUMBER");
  // The next sequence is appended.
  auto next = t.Check(Header(7, 0, 3, 2, 0));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  // Another producer is independent.
  EXPECT_TRUE(t.Check(Header(8, 0, 0, 1, 0)).ok());
  EXPECT_EQ(ErrorOf(t.Check(Header(8, 0, 1, 1, 0))), "UNKNOWN_PRODUCER_ID");
}

TEST(ProducerStateTableTest, OnlyTheLastFiveBatchesAreDuplicates) {
  ProducerStateTable t;
  for (int i = 0; i < 7; ++i) t.Record(Header(1, 0, i, 1, 10 + i));
  for (int i = 0; i < 7; ++i) {
    auto r = t.Check(Header(1, 0, i, 1, 0));
    if (i < 2) {
      EXPECT_EQ(ErrorOf(r), "OUT_OF_ORDER_SEQUENCE_NUMBER") << i;
    } else {
      ASSERT_TRUE(r.ok() && r->has_value()) << i;
      EXPECT_EQ((*r)->base_offset, 10 + i);
    }
  }
}

TEST(ProducerStateTableTest, EpochBumpAndFencing) {
  ProducerStateTable t;
  t.Record(Header(1, 2, 0, 5, 0));
  EXPECT_EQ(ErrorOf(t.Check(Header(1, 1, 5, 1, 0))), "INVALID_PRODUCER_EPOCH");
  // A newer epoch must restart at sequence 0.
  EXPECT_EQ(ErrorOf(t.Check(Header(1, 3, 5, 1, 0))),
            "OUT_OF_ORDER_SEQUENCE_NUMBER");
  EXPECT_TRUE(t.Check(Header(1, 3, 0, 1, 0)).ok());
  t.Record(Header(1, 3, 0, 1, 5));
  // The old epoch is fenced now; its batches are no longer duplicates.
  EXPECT_EQ(ErrorOf(t.Check(Header(1, 2, 0, 5, 0))), "INVALID_PRODUCER_EPOCH");
  EXPECT_EQ(ErrorOf(t.Check(Header(1, 3, 2, 1, 0))),
            "OUT_OF_ORDER_SEQUENCE_NUMBER");
}

TEST(ProducerStateTableTest, SequenceWrapsAndNegativeIsRejected) {
  ProducerStateTable t;
  t.Record(Header(1, 0, 2147483646, 1, 0));
  EXPECT_EQ(LastSequence(Header(1, 0, 2147483647, 3, 0)), 1);
  EXPECT_TRUE(t.Check(Header(1, 0, 2147483647, 3, 0)).ok());
  t.Record(Header(1, 0, 2147483647, 3, 1));
  auto wrapped = t.Check(Header(1, 0, 2, 1, 0));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_FALSE(wrapped->has_value());
  auto bad = t.Check(Header(1, 0, -5, 1, 0));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProducerStateTableTest, BoundedProducersForgetTheOldest) {
  ProducerStateTable t(/*max_producers=*/3);
  for (int p = 0; p < 4; ++p) t.Record(Header(p, 0, 0, 1, p));
  EXPECT_EQ(t.producer_count(), 3u);
  EXPECT_EQ(ErrorOf(t.Check(Header(0, 0, 1, 1, 0))), "UNKNOWN_PRODUCER_ID");
  EXPECT_EQ(ErrorOf(t.Check(Header(3, 0, 1, 1, 0))), "OK");
}

struct LogEnv {
  LogEnv() { config.segment_bytes = 4096; }
  std::unique_ptr<PartitionLog> Open() {
    auto log = PartitionLog::Open(dir.path(), {"t", 0}, config,
                                  DefaultFileSystem(), &clock);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }
  testing::TempDir dir;
  FakeClock clock;
  LogConfig config;
};

TEST(PartitionLogIdempotenceTest, DuplicatesAreNotAppendedAcrossReopen) {
  LogEnv env;
  int32_t seq = 0;
  {
    auto log = env.Open();
    ASSERT_NE(log, nullptr);
    // Several segments (4 KiB each), then the batches a restart must know.
    for (int i = 0; i < 80; ++i, seq += 3) {
      auto info = log->Append(IdemBatch(42, 1, seq, 3, i), LeaderEpoch(0));
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_FALSE(info->duplicate);
    }
    auto dup = log->Append(IdemBatch(42, 1, seq - 3, 3, 79), LeaderEpoch(0));
    ASSERT_TRUE(dup.ok());
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, Offset(237));
    EXPECT_EQ(log->log_end_offset(), Offset(240));
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = env.Open();
  ASSERT_NE(log, nullptr);
  EXPECT_GT(log->Stats().segment_count, 2);
  // A retry of one of the last five batches after the restart.
  auto dup = log->Append(IdemBatch(42, 1, seq - 6, 3, 78), LeaderEpoch(0));
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->base_offset, Offset(234));
  EXPECT_EQ(dup->last_offset, Offset(236));
  EXPECT_EQ(log->log_end_offset(), Offset(240));
  // A gap is refused, the next sequence appended, a stale epoch fenced.
  auto gap = log->Append(IdemBatch(42, 1, seq + 1, 1), LeaderEpoch(0));
  EXPECT_EQ(ProducerErrorName(gap.status()), "OUT_OF_ORDER_SEQUENCE_NUMBER");
  auto next = log->Append(IdemBatch(42, 1, seq, 1), LeaderEpoch(0));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->base_offset, Offset(240));
  auto stale = log->Append(IdemBatch(42, 0, 0, 1), LeaderEpoch(0));
  EXPECT_EQ(ProducerErrorName(stale.status()), "INVALID_PRODUCER_EPOCH");
  EXPECT_EQ(log->log_end_offset(), Offset(241));
  // Batches without a producer id are never checked.
  EXPECT_TRUE(log->Append(testutil::MakeBatch(1), LeaderEpoch(0)).ok());
  EXPECT_TRUE(log->Append(testutil::MakeBatch(1), LeaderEpoch(0)).ok());
}

TEST(PartitionLogIdempotenceTest, ConcurrentRetriesAppendOnce) {
  LogEnv env;
  auto log = env.Open();
  ASSERT_NE(log, nullptr);
  for (int32_t seq = 0; seq < 40; seq += 2) {
    std::atomic<int> appended{0};
    std::atomic<int> duplicates{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        auto info = log->Append(IdemBatch(9, 0, seq, 2), LeaderEpoch(0));
        ASSERT_TRUE(info.ok()) << info.status();
        (info->duplicate ? duplicates : appended)++;
        EXPECT_EQ(info->base_offset, Offset(seq));
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(appended.load(), 1);
    EXPECT_EQ(duplicates.load(), 3);
  }
  EXPECT_EQ(log->log_end_offset(), Offset(40));
}

}  // namespace
}  // namespace rtai::broker
