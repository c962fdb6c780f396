#include "engine/ml/state_codec.h"

#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

TEST(StateCodecTest, RoundTripsExactly) {
  StateWriter w(StateTag::kFtrl, 3);
  w.U8(7);
  w.U64(1ull << 60);
  w.F64(0.1);
  w.String("abc");
  w.F64Vector({1.5, -0.0});
  const std::string bytes = w.Finish();
  auto r = StateReader::Open(bytes, StateTag::kFtrl, 3);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version(), 3);
  uint8_t u8;
  uint64_t u64;
  double d;
  std::string s;
  std::vector<double> v;
  ASSERT_TRUE(r->U8(&u8).ok());
  ASSERT_TRUE(r->U64(&u64).ok());
  ASSERT_TRUE(r->F64(&d).ok());
  ASSERT_TRUE(r->String(&s, 10).ok());
  ASSERT_TRUE(r->F64Vector(&v, 10).ok());
  EXPECT_TRUE(r->Done().ok());
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(u64, 1ull << 60);
  EXPECT_EQ(d, 0.1);
  EXPECT_EQ(s, "abc");
  EXPECT_EQ(v, (std::vector<double>{1.5, -0.0}));
}

TEST(StateCodecTest, RejectsCorruption) {
  StateWriter w(StateTag::kAdwin, 1);
  w.String("payload");
  const std::string bytes = w.Finish();
  EXPECT_FALSE(StateReader::Open(bytes, StateTag::kFtrl, 1).ok());   // tag
  EXPECT_FALSE(StateReader::Open(bytes, StateTag::kAdwin, 0).ok());  // version
  for (size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_FALSE(
        StateReader::Open(bytes.substr(0, i), StateTag::kAdwin, 1).ok());
    std::string flipped = bytes;
    flipped[i] ^= 0x10;
    EXPECT_FALSE(StateReader::Open(flipped, StateTag::kAdwin, 1).ok()) << i;
  }
  // A valid frame whose count lies about the payload.
  StateWriter liar(StateTag::kAdwin, 1);
  liar.U64(1000);
  const std::string lie = liar.Finish();
  auto r = StateReader::Open(lie, StateTag::kAdwin, 1);
  ASSERT_TRUE(r.ok());
  std::string s;
  EXPECT_FALSE(r->String(&s, 1u << 20).ok());
}

}  // namespace
}  // namespace rtai::ml
