#include "state/state_format.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "state/key_group.h"

namespace rtai::state {
namespace {

TEST(StateFormatTest, KeyStartsWithBigEndianKeyGroupThenStateId) {
  std::string k;
  AppendStateKey(0x0102, 0x0304, "key", "ns", &k);
  EXPECT_EQ(k, std::string("\x01\x02\x03\x04\x03key\x02ns", 11));
  ParsedStateKey p;
  k += "user";
  ASSERT_TRUE(ParseStateKey(k, &p));
  EXPECT_EQ(p.key_group, 0x0102);
  EXPECT_EQ(p.state_id, 0x0304);
  EXPECT_EQ(p.key, "key");
  EXPECT_EQ(p.ns, "ns");
  EXPECT_EQ(p.user_key, "user");
}

TEST(StateFormatTest, KeysOfDifferentTuplesNeverPrefixEachOther) {
  // (key "a", ns "bc") vs (key "ab", ns "c") vs (key "a", ns "b" + map key
  // "c").
  std::string x, y, z;
  AppendStateKey(1, 1, "a", "bc", &x);
  AppendStateKey(1, 1, "ab", "c", &y);
  AppendStateKey(1, 1, "a", "b", &z);
  EXPECT_NE(x, y);
  EXPECT_NE(x.substr(0, z.size()), z);
}

TEST(StateFormatTest, MalformedKeysAndValuesAreRejected) {
  ParsedStateKey p;
  EXPECT_FALSE(ParseStateKey("", &p));
  EXPECT_FALSE(ParseStateKey(std::string("\x00\x01\x00\x01\x09key", 8),
                             &p));  // len too big
  EXPECT_FALSE(ParseStateKey(MetadataKey("abc"), &p));
  EXPECT_TRUE(IsMetadataKey(MetadataKey("abc")));
  StoredValue v;
  EXPECT_FALSE(ParseSingleValue("", &v));
  EXPECT_FALSE(
      ParseSingleValue(std::string("\x01\x00\x00", 3), &v));  // short expiry
  EXPECT_FALSE(ParseSingleValue(std::string("\x07xyz", 4), &v));  // bad tag
  std::string_view in(
      "\x02\x05"
      "ab",
      4);  // frame claims 5 bytes, has 2
  EXPECT_FALSE(NextListFrame(&in, &v));
}

TEST(StateFormatTest, ValuesAndListFramesRoundTrip) {
  std::string s;
  AppendSingleValue(kNoExpiry, "plain", &s);
  StoredValue v;
  ASSERT_TRUE(ParseSingleValue(s, &v));
  EXPECT_EQ(v.expiry_ms, kNoExpiry);
  EXPECT_EQ(v.payload, "plain");
  s.clear();
  AppendSingleValue(1234, "ttl", &s);
  EXPECT_EQ(s.size(), 1u + 8u + 3u);
  ASSERT_TRUE(ParseSingleValue(s, &v));
  EXPECT_EQ(v.expiry_ms, 1234);
  EXPECT_EQ(v.payload, "ttl");

  std::string list;
  AppendListFrame(kNoExpiry, "a", &list);
  AppendListFrame(99, "", &list);
  AppendListFrame(kNoExpiry, std::string(300, 'x'), &list);
  std::string_view rest = list;
  ASSERT_TRUE(NextListFrame(&rest, &v));
  EXPECT_EQ(v.payload, "a");
  ASSERT_TRUE(NextListFrame(&rest, &v));
  EXPECT_EQ(v.expiry_ms, 99);
  EXPECT_EQ(v.payload, "");
  ASSERT_TRUE(NextListFrame(&rest, &v));
  EXPECT_EQ(v.payload.size(), 300u);
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(ExpiryFor(100, 0), kNoExpiry);
  EXPECT_EQ(ExpiryFor(100, 50), 150);
  EXPECT_EQ(ExpiryFor(INT64_MAX - 1, 50), kNoExpiry);
}

TEST(KeyGroupTest, StableAndWithinRange) {
  std::set<uint16_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "user-" + std::to_string(i);
    const uint16_t g = KeyGroupForKey(key, 128);
    ASSERT_LT(g, 128);
    ASSERT_EQ(g, KeyGroupForKey(key, 128));
    seen.insert(g);
  }
  EXPECT_EQ(seen.size(), 128u);  // 10k keys hit every group
}

TEST(KeyGroupTest, RangesPartitionAllGroupsAndMatchTaskForKeyGroup) {
  for (uint32_t max_p : {1u, 7u, 128u, 32768u}) {
    for (uint32_t p : {1u, 2u, 3u, 7u}) {
      if (p > max_p) continue;
      uint32_t next = 0;
      for (uint32_t t = 0; t < p; ++t) {
        const KeyGroupRange r = KeyGroupRangeForTask(max_p, p, t);
        ASSERT_EQ(r.first, next) << max_p << " " << p << " " << t;
        ASSERT_GE(r.last + 1, r.first);
        for (uint32_t g = r.first; g <= r.last && g < r.first + 50; ++g) {
          ASSERT_EQ(TaskForKeyGroup(max_p, p, g), t);
        }
        ASSERT_EQ(TaskForKeyGroup(max_p, p, r.last), t);
        next = r.last + 1;
      }
      EXPECT_EQ(next, max_p);
    }
  }
}

}  // namespace
}  // namespace rtai::state
