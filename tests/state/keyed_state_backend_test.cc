#include "state/keyed_state_backend.h"

#include <memory>
#include <string>
#include <vector>

#include "base/byte_order.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "state/key_group.h"
#include "state/state_format.h"
#include "tests/state/state_test_util.h"

namespace rtai::state {
namespace {

// Sums 8-byte big-endian int64 inputs.
class SumAggregator : public StateAggregator {
 public:
  std::string CreateAccumulator() const override {
    return std::string(8, '\0');
  }
  absl::Status Add(std::string_view input, std::string* acc) const override {
    if (input.size() != 8 || acc->size() != 8)
      return absl::InvalidArgumentError("size");
    StoreBigEndian<int64_t>(acc->data(),
                            LoadBigEndian<int64_t>(acc->data()) +
                                LoadBigEndian<int64_t>(input.data()));
    return absl::OkStatus();
  }
  absl::Status Merge(std::string_view other, std::string* acc) const override {
    return Add(other, acc);
  }
  absl::Status GetResult(std::string_view acc,
                         std::string* result) const override {
    *result = std::string(acc);
    return absl::OkStatus();
  }
};

std::string I64(int64_t v) {
  std::string s(8, '\0');
  StoreBigEndian<int64_t>(s.data(), v);
  return s;
}

class KeyedStateBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<KeyedStateBackend> Open(const std::string& dir,
                                          uint32_t max_p = 128) {
    KeyedStateOptions o;
    o.dir = dir;
    o.max_parallelism = max_p;
    o.clock = &clock_;
    auto b = KeyedStateBackend::Open(o);
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? std::move(*b) : nullptr;
  }
  static std::string Get(ValueState& s, std::string_view key,
                         std::string_view ns) {
    std::string v;
    auto found = s.Get(key, ns, &v);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() && *found ? v : "<absent>";
  }

  TempDir tmp_;
  FakeClock clock_;
};

TEST_F(KeyedStateBackendTest, ValueStateSeparatesKeysAndNamespaces) {
  auto backend = Open(tmp_.Sub("db"));
  auto s = backend->GetValueState("op1", {"v"});
  ASSERT_TRUE(s.ok());
  ValueState& v = **s;
  ASSERT_TRUE(v.Put("k1", "w1", "a").ok());
  ASSERT_TRUE(v.Put("k1", "w2", "b").ok());
  ASSERT_TRUE(v.Put("k2", "w1", "c").ok());
  ASSERT_TRUE(v.Put("k2", "", std::string("\0\xff", 2)).ok());
  EXPECT_EQ(Get(v, "k1", "w1"), "a");
  EXPECT_EQ(Get(v, "k1", "w2"), "b");
  EXPECT_EQ(Get(v, "k2", "w1"), "c");
  EXPECT_EQ(Get(v, "k2", ""), std::string("\0\xff", 2));
  EXPECT_EQ(Get(v, "k3", "w1"), "<absent>");
  ASSERT_TRUE(v.Put("k1", "w1", "a2").ok());
  EXPECT_EQ(Get(v, "k1", "w1"), "a2");
  ASSERT_TRUE(v.Clear("k1", "w1").ok());
  EXPECT_EQ(Get(v, "k1", "w1"), "<absent>");
  EXPECT_EQ(Get(v, "k1", "w2"), "b");
}

TEST_F(KeyedStateBackendTest, ListStateAppendsInOrder) {
  auto backend = Open(tmp_.Sub("db"));
  auto s = backend->GetListState("op", {"buf"});
  ASSERT_TRUE(s.ok());
  ListState& l = **s;
  EXPECT_TRUE(l.Get("k", "w")->empty());
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(l.Add("k", "w", "e" + std::to_string(i)).ok());
  ASSERT_TRUE(l.AddAll("k", "w", {"x", "", "y"}).ok());
  ASSERT_TRUE(l.Add("k", "other", "z").ok());
  auto got = l.Get("k", "w");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 103u);
  EXPECT_EQ((*got)[0], "e0");
  EXPECT_EQ((*got)[99], "e99");
  EXPECT_EQ((*got)[101], "");
  EXPECT_EQ((*got)[102], "y");
  ASSERT_TRUE(l.Update("k", "w", {"only"}).ok());
  EXPECT_EQ(*l.Get("k", "w"), std::vector<std::string>{"only"});
  ASSERT_TRUE(l.Add("k", "w", "after").ok());
  EXPECT_EQ(*l.Get("k", "w"), (std::vector<std::string>{"only", "after"}));
  ASSERT_TRUE(l.Clear("k", "w").ok());
  EXPECT_TRUE(l.Get("k", "w")->empty());
  EXPECT_EQ(*l.Get("k", "other"), std::vector<std::string>{"z"});
}

TEST_F(KeyedStateBackendTest, MapStateIteratesItsOwnEntriesInOrder) {
  auto backend = Open(tmp_.Sub("db"));
  auto s = backend->GetMapState("op", {"m"});
  ASSERT_TRUE(s.ok());
  MapState& m = **s;
  ASSERT_TRUE(m.Put("k", "w", "b", "2").ok());
  ASSERT_TRUE(m.Put("k", "w", "a", "1").ok());
  ASSERT_TRUE(m.Put("k", "w", std::string("\xff\xff", 2), "3").ok());
  ASSERT_TRUE(m.Put("k", "w2", "a", "other-ns").ok());
  ASSERT_TRUE(m.Put("k2", "w", "a", "other-key").ok());
  std::string v;
  ASSERT_TRUE(*m.Get("k", "w", "a", &v));
  EXPECT_EQ(v, "1");
  EXPECT_FALSE(*m.Get("k", "w", "zz", &v));
  std::vector<std::string> seen;
  ASSERT_TRUE(
      m.ForEach("k", "w", [&](std::string_view uk, std::string_view val) {
         seen.push_back(std::string(uk) + "=" + std::string(val));
         return true;
       }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a=1", "b=2", "\xff\xff=3"}));
  ASSERT_TRUE(m.Remove("k", "w", "b").ok());
  seen.clear();
  ASSERT_TRUE(m.ForEach("k", "w", [&](std::string_view uk, std::string_view) {
                 seen.emplace_back(uk);
                 return false;  // stop after the first
               }).ok());
  EXPECT_EQ(seen, std::vector<std::string>{"a"});
  EXPECT_FALSE(*m.IsEmpty("k", "w"));
  ASSERT_TRUE(m.Clear("k", "w").ok());
  EXPECT_TRUE(*m.IsEmpty("k", "w"));
  ASSERT_TRUE(*m.Get("k", "w2", "a", &v));
  EXPECT_EQ(v, "other-ns");
  ASSERT_TRUE(*m.Get("k2", "w", "a", &v));
  EXPECT_EQ(v, "other-key");
}

TEST_F(KeyedStateBackendTest, MapStateClearsLargeMapsInBatches) {
  auto backend = Open(tmp_.Sub("db"));
  auto m = std::move(*backend->GetMapState("op", {"m"}));
  for (int i = 0; i < 3000; ++i)
    ASSERT_TRUE(m->Put("k", "", std::to_string(i), "v").ok());
  ASSERT_TRUE(m->Put("k2", "", "x", "v").ok());
  ASSERT_TRUE(m->Clear("k", "").ok());
  EXPECT_TRUE(*m->IsEmpty("k", ""));
  EXPECT_FALSE(*m->IsEmpty("k2", ""));
  EXPECT_EQ(*backend->CountRawEntries("op"), 2u);  // metadata + k2's entry
}

TEST_F(KeyedStateBackendTest, AggregatingStateAddsAndMergesNamespaces) {
  auto backend = Open(tmp_.Sub("db"));
  SumAggregator sum;
  auto s = backend->GetAggregatingState("op", {"sum"}, &sum);
  ASSERT_TRUE(s.ok());
  AggregatingState& a = **s;
  std::string r;
  EXPECT_FALSE(*a.Get("k", "w1", &r));
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(a.Add("k", "w1", I64(i)).ok());
  ASSERT_TRUE(a.Add("k", "w2", I64(100)).ok());
  ASSERT_TRUE(a.Add("k", "w3", I64(1000)).ok());
  ASSERT_TRUE(*a.Get("k", "w1", &r));
  EXPECT_EQ(LoadBigEndian<int64_t>(r.data()), 55);
  EXPECT_FALSE(a.Add("k", "w1", "bad").ok());  // the aggregator rejects it
  ASSERT_TRUE(a.MergeNamespaces("k", "w1", {"w2", "w3", "w9"}).ok());
  ASSERT_TRUE(*a.Get("k", "w1", &r));
  EXPECT_EQ(LoadBigEndian<int64_t>(r.data()), 1155);
  EXPECT_FALSE(*a.Get("k", "w2", &r));
  ASSERT_TRUE(a.MergeNamespaces("k", "new", {"w1"}).ok());
  ASSERT_TRUE(*a.Get("k", "new", &r));
  EXPECT_EQ(LoadBigEndian<int64_t>(r.data()), 1155);
}

TEST_F(KeyedStateBackendTest, ColumnFamiliesIsolateOperators) {
  auto backend = Open(tmp_.Sub("db"));
  auto a = backend->GetValueState("opA", {"v"});
  auto b = backend->GetValueState("opB", {"v"});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Put("k", "", "from A").ok());
  ASSERT_TRUE((*b)->Put("k", "", "from B").ok());
  EXPECT_EQ(Get(**a, "k", ""), "from A");
  EXPECT_EQ(Get(**b, "k", ""), "from B");
  EXPECT_EQ(backend->OperatorIds(), (std::vector<std::string>{"opA", "opB"}));
  // Two states in one operator get distinct ids and do not collide.
  auto a2 = backend->GetValueState("opA", {"v2"});
  ASSERT_TRUE(a2.ok());
  EXPECT_NE((*a2)->state_id(), (*a)->state_id());
  EXPECT_EQ(Get(**a2, "k", ""), "<absent>");
}

TEST_F(KeyedStateBackendTest, RawLayoutIsKeyGroupThenStateIdThenKey) {
  const std::string dir = tmp_.Sub("db");
  {
    auto backend = Open(dir, 64);
    auto v = backend->GetValueState("op", {"v"});
    ASSERT_TRUE(v.ok());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE((*v)->Put("key" + std::to_string(i), "ns", "x").ok());
    }
  }
  // Read the instance with plain RocksDB, bypassing the backend.
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"op:op", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly({}, dir, cfs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, handles[1]));
  int entries = 0, prev_group = -1;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view k(it->key().data(), it->key().size());
    if (IsMetadataKey(k)) continue;
    ParsedStateKey p;
    ASSERT_TRUE(ParseStateKey(k, &p));
    EXPECT_EQ(p.key_group, KeyGroupForKey(p.key, 64));
    EXPECT_EQ(LoadBigEndian<uint16_t>(k.data()), p.key_group);
    EXPECT_GE(p.key_group, prev_group);  // sorted by key group first
    prev_group = p.key_group;
    EXPECT_EQ(p.ns, "ns");
    ++entries;
  }
  EXPECT_EQ(entries, 50);
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
}

TEST_F(KeyedStateBackendTest, ClipToKeyGroupsKeepsOnlyTheOwnedRange) {
  const std::string dir = tmp_.Sub("db");
  const KeyGroupRange owned = KeyGroupRangeForTask(128, 3, 1);  // task 1 of 3
  int kept = 0;
  {
    auto backend = Open(dir);
    auto v = std::move(*backend->GetValueState("op", {"v"}));
    auto l = std::move(*backend->GetListState("op2", {"l"}));
    for (int i = 0; i < 300; ++i) {
      const std::string key = "key" + std::to_string(i);
      ASSERT_TRUE(v->Put(key, "", "x").ok());
      ASSERT_TRUE(l->Add(key, "", "y").ok());
      const uint16_t g = KeyGroupForKey(key, 128);
      kept += g >= owned.first && g <= owned.last;
    }
    EXPECT_FALSE(backend->ClipToKeyGroups(5, 4).ok());
    EXPECT_FALSE(backend->ClipToKeyGroups(0, 128).ok());
    ASSERT_TRUE(backend->ClipToKeyGroups(owned.first, owned.last).ok());
    for (int i = 0; i < 300; ++i) {
      const std::string key = "key" + std::to_string(i);
      const uint16_t g = KeyGroupForKey(key, 128);
      const bool mine = g >= owned.first && g <= owned.last;
      EXPECT_EQ(Get(*v, key, ""), mine ? "x" : "<absent>") << key;
      EXPECT_EQ(l->Get(key, "")->size(), mine ? 1u : 0u) << key;
    }
    EXPECT_EQ(*backend->CountRawEntries("op"), 1u + kept);  // metadata survives
  }
  ASSERT_GT(kept, 50);
  ASSERT_LT(kept, 150);
  auto backend = Open(dir);  // state ids still resolve after the clip
  auto v = backend->GetValueState("op", {"v"});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)->state_id(), 0);
}

TEST_F(KeyedStateBackendTest, ReopenKeepsStateAndStateIds) {
  const std::string dir = tmp_.Sub("db");
  uint16_t id_b;
  {
    auto backend = Open(dir);
    auto a = backend->GetValueState("op", {"a"});
    auto b = backend->GetListState("op", {"b"});
    ASSERT_TRUE(a.ok() && b.ok());
    id_b = (*b)->state_id();
    ASSERT_TRUE((*a)->Put("k", "", "persisted").ok());
    ASSERT_TRUE((*b)->Add("k", "", "e1").ok());
  }
  auto backend = Open(dir);
  EXPECT_EQ(backend->OperatorIds(), std::vector<std::string>{"op"});
  auto b = backend->GetListState("op", {"b"});  // registered in the other order
  auto a = backend->GetValueState("op", {"a"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*b)->state_id(), id_b);
  EXPECT_EQ(Get(**a, "k", ""), "persisted");
  EXPECT_EQ(*(*b)->Get("k", ""), std::vector<std::string>{"e1"});
  auto wrong_kind = backend->GetMapState("op", {"a"});
  EXPECT_EQ(wrong_kind.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyedStateBackendTest, MaxParallelismIsFixedPerInstance) {
  const std::string dir = tmp_.Sub("db");
  { auto backend = Open(dir, 128); }
  KeyedStateOptions o;
  o.dir = dir;
  o.max_parallelism = 256;
  o.clock = &clock_;
  auto b = KeyedStateBackend::Open(o);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(b.status().message().find("max_parallelism 128"),
            absl::string_view::npos);
}

TEST_F(KeyedStateBackendTest, OptionsAndNamesAreValidated) {
  KeyedStateOptions o;
  EXPECT_EQ(KeyedStateBackend::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.dir = tmp_.Sub("db");
  o.max_parallelism = 0;
  EXPECT_EQ(KeyedStateBackend::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.max_parallelism = 32769;
  EXPECT_EQ(KeyedStateBackend::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.max_parallelism = 128;
  o.sync_writes = true;  // without use_wal
  EXPECT_EQ(KeyedStateBackend::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.use_wal = true;
  EXPECT_TRUE(KeyedStateBackend::Open(o).ok());
  auto backend = Open(tmp_.Sub("db2"));
  EXPECT_FALSE(backend->GetValueState("", {"v"}).ok());
  EXPECT_FALSE(backend->GetValueState("op", {""}).ok());
  EXPECT_FALSE(backend->GetValueState(std::string(201, 'o'), {"v"}).ok());
  EXPECT_FALSE(backend->GetValueState("op", {"v", -5}).ok());
}

TEST_F(KeyedStateBackendTest, CheckpointRestoresTheStateAtCheckpointTime) {
  const std::string dir = tmp_.Sub("db");
  const std::string ckpt = tmp_.Sub("ckpt-1");
  SumAggregator sum;
  {
    auto backend = Open(dir);
    auto v = backend->GetValueState("op", {"v"});
    auto l = backend->GetListState("op2", {"l"});
    auto m = backend->GetMapState("op", {"m"});
    auto a = backend->GetAggregatingState("op", {"a"}, &sum);
    ASSERT_TRUE(v.ok() && l.ok() && m.ok() && a.ok());
    ASSERT_TRUE((*v)->Put("k", "", "before").ok());
    ASSERT_TRUE((*l)->Add("k", "", "e1").ok());
    ASSERT_TRUE((*m)->Put("k", "", "uk", "mv").ok());
    ASSERT_TRUE((*a)->Add("k", "", I64(5)).ok());
    ASSERT_TRUE(backend->CreateCheckpoint(ckpt).ok());
    EXPECT_FALSE(backend->CreateCheckpoint(ckpt).ok());  // exists
    ASSERT_TRUE((*v)->Put("k", "", "after").ok());
    ASSERT_TRUE((*l)->Add("k", "", "e2").ok());
    ASSERT_TRUE((*m)->Remove("k", "", "uk").ok());
    ASSERT_TRUE((*a)->Add("k", "", I64(5)).ok());
  }
  auto restored = Open(ckpt);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->OperatorIds(), (std::vector<std::string>{"op", "op2"}));
  auto v = restored->GetValueState("op", {"v"});
  auto l = restored->GetListState("op2", {"l"});
  auto m = restored->GetMapState("op", {"m"});
  auto a = restored->GetAggregatingState("op", {"a"}, &sum);
  ASSERT_TRUE(v.ok() && l.ok() && m.ok() && a.ok());
  EXPECT_EQ(Get(**v, "k", ""), "before");
  EXPECT_EQ(*(*l)->Get("k", ""), std::vector<std::string>{"e1"});
  std::string out;
  ASSERT_TRUE(*(*m)->Get("k", "", "uk", &out));
  EXPECT_EQ(out, "mv");
  ASSERT_TRUE(*(*a)->Get("k", "", &out));
  EXPECT_EQ(LoadBigEndian<int64_t>(out.data()), 5);
  // The original continues independently.
  auto original = Open(dir);
  auto ov = original->GetValueState("op", {"v"});
  EXPECT_EQ(Get(**ov, "k", ""), "after");
}

}  // namespace
}  // namespace rtai::state
