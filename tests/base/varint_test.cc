#include "base/varint.h"

#include <limits>

#include "gtest/gtest.h"

namespace rtai {
namespace {

TEST(VarintTest, SignedRoundTripsEdgeValues) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64},
                    int64_t{64}, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    std::string buf;
    varint::PutSigned64(&buf, v);
    EXPECT_EQ(static_cast<int>(buf.size()), varint::SizeSigned64(v));
    const char* p = buf.data();
    int64_t out = 0;
    ASSERT_TRUE(varint::GetSigned64(&p, buf.data() + buf.size(), &out));
    EXPECT_EQ(out, v);
    EXPECT_EQ(p, buf.data() + buf.size());
  }
}

TEST(VarintTest, ZigZagEncodingMatchesKafka) {
  std::string buf;
  varint::PutSigned32(&buf, -1);
  EXPECT_EQ(buf, std::string("\x01", 1));
  buf.clear();
  varint::PutSigned32(&buf, 1);
  EXPECT_EQ(buf, std::string("\x02", 1));
}

TEST(VarintTest, RejectsTruncatedAndOverlongInput) {
  std::string truncated = "\x80\x80";
  const char* p = truncated.data();
  uint64_t v;
  EXPECT_FALSE(varint::GetUnsigned64(&p, truncated.data() + truncated.size(), &v));
  std::string overlong(11, '\x80');
  p = overlong.data();
  EXPECT_FALSE(varint::GetUnsigned64(&p, overlong.data() + overlong.size(), &v));
  std::string too_big_for_32 = "\xff\xff\xff\xff\x7f";
  p = too_big_for_32.data();
  int32_t v32;
  EXPECT_FALSE(varint::GetSigned32(&p, too_big_for_32.data() + 5, &v32));
}

}  // namespace
}  // namespace rtai
