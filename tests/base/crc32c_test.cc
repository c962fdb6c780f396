#include "base/crc32c.h"

#include <string>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai {
namespace {

TEST(Crc32cTest, MatchesKnownVectors) {
  // RFC 3720 B.4 test vectors.
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros.data(), zeros.size()), 0x8A9136AAu);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones.data(), ones.size()), 0x62A8AB43u);
  std::string inc;
  for (int i = 0; i < 32; ++i) inc.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c::Value(inc.data(), inc.size()), 0x46DD794Eu);
  EXPECT_EQ(crc32c::Value("123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, HardwareAndPortableAgreeAndExtendComposes) {
  Random rnd(7);
  for (int len = 0; len < 300; ++len) {
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>(rnd.Next());
    uint32_t whole = crc32c::Value(s.data(), s.size());
    EXPECT_EQ(whole, crc32c::ExtendPortable(0, s.data(), s.size()));
    size_t cut = len / 3;
    uint32_t part = crc32c::Extend(crc32c::Value(s.data(), cut), s.data() + cut, len - cut);
    EXPECT_EQ(whole, part);
  }
}

}  // namespace
}  // namespace rtai
