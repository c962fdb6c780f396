// ProducerIdAllocator: ids never repeat, across reopens too; a malformed
// high-water-mark file is an error.

#include "broker/core/producer_id_allocator.h"

#include <set>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker {
namespace {

TEST(ProducerIdAllocatorTest, IdsNeverRepeatAcrossReopens) {
  testing::TempDir dir;
  const std::string path = JoinPath(dir.path(), "producer_id_block");
  std::set<int64_t> seen;
  for (int round = 0; round < 3; ++round) {
    auto a = ProducerIdAllocator::Open(DefaultFileSystem(), path);
    ASSERT_TRUE(a.ok()) << a.status();
    // Round 1 crosses a block boundary.
    const int n = round == 1 ? ProducerIdAllocator::kBlockSize + 5 : 3;
    for (int i = 0; i < n; ++i) {
      auto id = (*a)->Next();
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_TRUE(seen.insert(*id).second) << "repeated id " << *id;
    }
  }
  EXPECT_EQ(*seen.begin(), 0);
  // The file holds the durable high-water mark: 4 blocks reserved so far.
  EXPECT_EQ(*DefaultFileSystem()->ReadFileToString(path),
            std::to_string(4 * ProducerIdAllocator::kBlockSize) + "\n");
}

TEST(ProducerIdAllocatorTest, MalformedFileIsDataLoss) {
  testing::TempDir dir;
  const std::string path = JoinPath(dir.path(), "producer_id_block");
  for (const char* bad : {"", "abc\n", "-5\n", "12 13\n", "99999999999999999999999\n"}) {
    ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, bad).ok());
    auto a = ProducerIdAllocator::Open(DefaultFileSystem(), path);
    EXPECT_EQ(a.status().code(), absl::StatusCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace rtai::broker
