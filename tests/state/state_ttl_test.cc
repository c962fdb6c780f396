#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "state/keyed_state_backend.h"
#include "state/state_format.h"
#include "tests/state/state_test_util.h"

namespace rtai::state {
namespace {

class StateTtlTest : public ::testing::Test {
 protected:
  StateTtlTest() {
    KeyedStateOptions o;
    o.dir = tmp_.Sub("db");
    o.clock = &clock_;
    backend_ = std::move(*KeyedStateBackend::Open(o));
  }

  TempDir tmp_;
  FakeClock clock_{1'000'000};
  std::unique_ptr<KeyedStateBackend> backend_;
};

TEST_F(StateTtlTest, ValueExpiresExactlyAtTtlAndRewriteExtends) {
  auto v = std::move(*backend_->GetValueState("op", {"v", /*ttl_ms=*/1000}));
  ASSERT_TRUE(v->Put("k", "", "x").ok());
  std::string out;
  clock_.AdvanceMillis(999);
  EXPECT_TRUE(*v->Get("k", "", &out));
  clock_.AdvanceMillis(1);
  EXPECT_FALSE(*v->Get("k", "", &out));    // expired: invisible
  ASSERT_TRUE(v->Put("k", "", "y").ok());  // a write starts a new lifetime
  clock_.AdvanceMillis(999);
  ASSERT_TRUE(*v->Get("k", "", &out));
  EXPECT_EQ(out, "y");
}

TEST_F(StateTtlTest, ListElementsExpireIndividually) {
  auto l = std::move(*backend_->GetListState("op", {"l", 1000}));
  ASSERT_TRUE(l->Add("k", "", "old").ok());
  clock_.AdvanceMillis(600);
  ASSERT_TRUE(l->Add("k", "", "new").ok());
  EXPECT_EQ(*l->Get("k", ""), (std::vector<std::string>{"old", "new"}));
  clock_.AdvanceMillis(400);
  EXPECT_EQ(*l->Get("k", ""), std::vector<std::string>{"new"});
  clock_.AdvanceMillis(600);
  EXPECT_TRUE(l->Get("k", "")->empty());
}

TEST_F(StateTtlTest, MapEntriesExpireIndividually) {
  auto m = std::move(*backend_->GetMapState("op", {"m", 1000}));
  ASSERT_TRUE(m->Put("k", "", "a", "1").ok());
  clock_.AdvanceMillis(500);
  ASSERT_TRUE(m->Put("k", "", "b", "2").ok());
  clock_.AdvanceMillis(500);
  std::vector<std::string> keys;
  ASSERT_TRUE(m->ForEach("k", "", [&](std::string_view uk, std::string_view) {
                 keys.emplace_back(uk);
                 return true;
               }).ok());
  EXPECT_EQ(keys, std::vector<std::string>{"b"});
  std::string out;
  EXPECT_FALSE(*m->Get("k", "", "a", &out));
}

TEST_F(StateTtlTest, StatesWithoutTtlNeverExpire) {
  auto v = std::move(*backend_->GetValueState("op", {"forever"}));
  ASSERT_TRUE(v->Put("k", "", "x").ok());
  clock_.SetMillis(clock_.NowMillis() + (int64_t{1} << 50));  // far future
  std::string out;
  EXPECT_TRUE(*v->Get("k", "", &out));
  ASSERT_TRUE(backend_->CompactAll().ok());
  EXPECT_TRUE(*v->Get("k", "", &out));
}

TEST_F(StateTtlTest, CompactionDropsExpiredEntriesAndTrimsLists) {
  auto v = std::move(*backend_->GetValueState("op", {"v", 1000}));
  auto keep = std::move(*backend_->GetValueState("op", {"keep"}));
  auto l = std::move(*backend_->GetListState("op", {"l", 1000}));
  auto l2 = std::move(*backend_->GetListState("op", {"l2", 1000}));
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(v->Put("k" + std::to_string(i), "", "x").ok());
  ASSERT_TRUE(keep->Put("k", "", "x").ok());
  ASSERT_TRUE(l->Add("k", "", "old").ok());
  ASSERT_TRUE(l2->Add("k", "", "gone").ok());
  ASSERT_TRUE(
      backend_->CompactAll().ok());  // l's first frame becomes a base value
  clock_.AdvanceMillis(500);
  ASSERT_TRUE(l->Add("k", "", "new").ok());  // a merge operand
  // 4 metadata + 20 values + keep + l + l2.
  EXPECT_EQ(*backend_->CountRawEntries("op"), 27u);
  clock_.AdvanceMillis(500);  // v, l[old], l2 expired; l[new] live
  ASSERT_TRUE(backend_->CompactAll().ok());
  EXPECT_EQ(*backend_->CountRawEntries("op"), 4u + 1u + 1u);
  EXPECT_EQ(*l->Get("k", ""), std::vector<std::string>{"new"});
  std::string out;
  EXPECT_TRUE(*keep->Get("k", "", &out));
}

TEST_F(StateTtlTest, CompactionRewritesPartlyExpiredListsOnDisk) {
  const std::string dir = tmp_.Sub("db");
  {
    auto l = std::move(*backend_->GetListState("op", {"l", 1000}));
    ASSERT_TRUE(l->Update("k", "", {"a", "b"}).ok());  // one value, two frames
    clock_.AdvanceMillis(500);
    ASSERT_TRUE(l->Add("k", "", "c").ok());
    ASSERT_TRUE(backend_->CompactAll().ok());  // merged into one value: a b c
    clock_.AdvanceMillis(500);                 // a, b expired
    ASSERT_TRUE(backend_->CompactAll().ok());
  }
  backend_.reset();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"op:op", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly({}, dir, cfs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, handles[1]));
  std::vector<std::string> frames;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (IsMetadataKey(std::string_view(it->key().data(), it->key().size())))
      continue;
    std::string_view rest(it->value().data(), it->value().size());
    StoredValue f;
    while (!rest.empty() && NextListFrame(&rest, &f))
      frames.emplace_back(f.payload);
  }
  EXPECT_EQ(frames, std::vector<std::string>{"c"});
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
}

}  // namespace
}  // namespace rtai::state
