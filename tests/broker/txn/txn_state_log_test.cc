// TxnStateLog: replay (last record wins, tombstones), torn or corrupt
// tails truncated, malformed records rejected, compaction keeps the state.

#include "broker/txn/txn_state_log.h"

#include "base/file_system.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::broker::txn {
namespace {

TxnMetadata Meta(const std::string& id, int16_t epoch, TxnState state) {
  TxnMetadata m;
  m.transactional_id = id;
  m.producer_id = 7;
  m.producer_epoch = epoch;
  m.timeout_ms = 1000;
  m.state = state;
  m.partitions = {{"t", 0}, {"u", 3}};
  m.txn_start_ms = 5;
  m.last_update_ms = 6;
  return m;
}

TEST(TxnStateLogTest, ReplaysTheLastRecordOfEachIdAndTombstones) {
  rtai::testing::TempDir dir;
  TxnStateLog::State state;
  {
    auto log = TxnStateLog::Open(DefaultFileSystem(), dir.path(), &state);
    ASSERT_TRUE(log.ok());
    for (const TxnMetadata& m : {Meta("a", 0, TxnState::kOngoing),
                                 Meta("a", 1, TxnState::kPrepareCommit),
                                 Meta("b", 0, TxnState::kEmpty), Meta("b", 0, TxnState::kDead)}) {
      if (m.state == TxnState::kDead) {
        state.erase(m.transactional_id);
      } else {
        state[m.transactional_id] = m;
      }
      ASSERT_TRUE((*log)->Append(m, state).ok());
    }
  }
  TxnStateLog::State loaded;
  ASSERT_TRUE(TxnStateLog::Open(DefaultFileSystem(), dir.path(), &loaded).ok());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded["a"], Meta("a", 1, TxnState::kPrepareCommit));
}

TEST(TxnStateLogTest, TornTailIsTruncatedAndAppendsContinue) {
  rtai::testing::TempDir dir;
  const std::string path = JoinPath(dir.path(), "txn_state.log");
  TxnStateLog::State state;
  {
    auto log = TxnStateLog::Open(DefaultFileSystem(), dir.path(), &state);
    state["a"] = Meta("a", 0, TxnState::kOngoing);
    ASSERT_TRUE((*log)->Append(state["a"], state).ok());
    state["b"] = Meta("b", 0, TxnState::kOngoing);
    ASSERT_TRUE((*log)->Append(state["b"], state).ok());
  }
  std::string data = *DefaultFileSystem()->ReadFileToString(path);
  const size_t full = data.size();
  // Every cut of the second record loses just that record; a flipped byte
  // in it (CRC) too.
  for (size_t cut : {full - 1, full - 10, full / 2 + 1}) {
    ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, data.substr(0, cut)).ok());
    TxnStateLog::State loaded;
    auto log = TxnStateLog::Open(DefaultFileSystem(), dir.path(), &loaded);
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(loaded.size(), 1u) << cut;
    EXPECT_EQ((*log)->file_bytes(), static_cast<int64_t>(full / 2)) << cut;
  }
  std::string flipped = data;
  flipped[full - 3] ^= 0x40;
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, flipped).ok());
  TxnStateLog::State loaded;
  auto log = TxnStateLog::Open(DefaultFileSystem(), dir.path(), &loaded);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(loaded.count("b"), 0u);
  loaded["c"] = Meta("c", 2, TxnState::kEmpty);
  ASSERT_TRUE((*log)->Append(loaded["c"], loaded).ok());
  TxnStateLog::State again;
  ASSERT_TRUE(TxnStateLog::Open(DefaultFileSystem(), dir.path(), &again).ok());
  EXPECT_EQ(again.size(), 2u);
}

TEST(TxnStateLogTest, CompactionKeepsOnlyTheLiveState) {
  rtai::testing::TempDir dir;
  TxnStateLog::State state;
  auto log = TxnStateLog::Open(DefaultFileSystem(), dir.path(), &state, /*compact_bytes=*/4096);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 500; ++i) {
    state["a"] = Meta("a", static_cast<int16_t>(i), TxnState::kOngoing);
    ASSERT_TRUE((*log)->Append(state["a"], state).ok());
  }
  EXPECT_LT((*log)->file_bytes(), 4096 + 200);
  TxnStateLog::State loaded;
  ASSERT_TRUE(TxnStateLog::Open(DefaultFileSystem(), dir.path(), &loaded).ok());
  EXPECT_EQ(loaded["a"].producer_epoch, 499);
}

TEST(TxnStateLogTest, MalformedRecordsAreRejected) {
  const std::string good = TxnStateLog::Encode(Meta("a", 1, TxnState::kOngoing));
  TxnMetadata m;
  ASSERT_TRUE(TxnStateLog::Decode(good, &m));
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(TxnStateLog::Decode(good.substr(0, n), &m)) << n;
  }
  EXPECT_FALSE(TxnStateLog::Decode(good + "x", &m));
  std::string bad_version = good;
  bad_version[0] = 9;
  EXPECT_FALSE(TxnStateLog::Decode(bad_version, &m));
}

}  // namespace
}  // namespace rtai::broker::txn
