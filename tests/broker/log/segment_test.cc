#include "broker/log/segment.h"

#include "base/file_system.h"
#include "gtest/gtest.h"
#include "tests/broker/log/log_test_util.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

using testutil::MakeBatch;

struct Appended {
  int64_t base;
  int64_t last;
  int64_t pos;
};

std::vector<Appended> Fill(Segment* seg, int batches, int32_t interval) {
  std::vector<Appended> out;
  int64_t next = seg->base_offset().value();
  for (int b = 0; b < batches; ++b) {
    std::string batch =
        MakeBatch(b, 1 + b % 4, 50 + 13 * (b % 7), 1'700'000'000'000 + 10 * b);
    StampBaseOffset(batch.data(), Offset(next));
    auto h = ParseBatchHeader(batch);
    EXPECT_TRUE(h.ok());
    out.push_back({next, h->last_offset(), seg->size_bytes()});
    EXPECT_TRUE(seg->Append(batch, *h, interval).ok());
    next = h->last_offset() + 1;
  }
  return out;
}

TEST(SegmentTest, NamesAreTwentyDigitBaseOffsets) {
  EXPECT_EQ(SegmentFileName(Offset(0), ".log"), "00000000000000000000.log");
  EXPECT_EQ(SegmentFileName(Offset(12345), ".timeindex"),
            "00000000000000012345.timeindex");
}

TEST(SegmentTest, FindPositionUsesIndexAndFindsEveryOffset) {
  testing::TempDir dir;
  auto seg = Segment::Create(DefaultFileSystem(), dir.path(), Offset(1000));
  ASSERT_TRUE(seg.ok());
  const auto appended = Fill(seg->get(), 300, 512);
  const int64_t size = (*seg)->size_bytes();
  auto index_size = DefaultFileSystem()->FileSize(
      JoinPath(dir.path(), SegmentFileName(Offset(1000), ".index")));
  ASSERT_TRUE(index_size.ok());
  EXPECT_GT(*index_size, 8u * 30);  // about one entry per 512 bytes
  for (const Appended& a : appended) {
    for (int64_t o = a.base; o <= a.last; ++o) {
      auto pos = (*seg)->FindPosition(o, size);
      ASSERT_TRUE(pos.ok()) << pos.status();
      EXPECT_EQ(*pos, a.pos) << o;
    }
  }
  EXPECT_EQ(*(*seg)->FindPosition(appended.back().last + 1, size), size);
  EXPECT_EQ(*(*seg)->FindPosition(0, size), 0);  // below base: first batch
}

TEST(SegmentTest, FindOffsetForTimestamp) {
  testing::TempDir dir;
  auto seg = Segment::Create(DefaultFileSystem(), dir.path(), Offset(0));
  ASSERT_TRUE(seg.ok());
  const auto appended = Fill(seg->get(), 200, 256);
  const int64_t size = (*seg)->size_bytes();
  // Batch b's max timestamp is 1'700'000'000'000 + 10b + (records-1).
  for (int b = 0; b < 200; ++b) {
    auto found =
        (*seg)->FindOffsetForTimestamp(1'700'000'000'000 + 10 * b, size);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->value(), appended[b].base) << b;
  }
  EXPECT_TRUE(absl::IsNotFound(
      (*seg)->FindOffsetForTimestamp(1'800'000'000'000, size).status()));
}

TEST(SegmentTest, ReopenRebuildsMissingIndexesIdentically) {
  testing::TempDir dir;
  FileSystem* fs = DefaultFileSystem();
  const std::string index =
      JoinPath(dir.path(), SegmentFileName(Offset(0), ".index"));
  const std::string time =
      JoinPath(dir.path(), SegmentFileName(Offset(0), ".timeindex"));
  {
    auto seg = Segment::Create(fs, dir.path(), Offset(0));
    ASSERT_TRUE(seg.ok());
    Fill(seg->get(), 100, 300);
    ASSERT_TRUE((*seg)->CloseWriters(true).ok());
  }
  const std::string index_before = *fs->ReadFileToString(index);
  const std::string time_before = *fs->ReadFileToString(time);
  ASSERT_FALSE(index_before.empty());
  ASSERT_TRUE(fs->DeleteFile(index).ok());
  ASSERT_TRUE(fs->WriteFileAtomically(time, "garbage!").ok());
  SegmentRecovery report;
  auto seg = Segment::Open(fs, dir.path(), Offset(0), 300, false, &report);
  ASSERT_TRUE(seg.ok()) << seg.status();
  EXPECT_TRUE(report.indexes_rebuilt);
  EXPECT_EQ(report.dropped_bytes, 0);
  EXPECT_EQ(*fs->ReadFileToString(index), index_before);
  EXPECT_EQ(*fs->ReadFileToString(time), time_before);
}

}  // namespace
}  // namespace rtai::broker
