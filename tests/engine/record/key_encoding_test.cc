#include "engine/record/key_encoding.h"

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

std::string Key(std::vector<Value> values) {
  std::string out;
  EncodeKey(values.data(), values.size(), &out);
  return out;
}

TEST(KeyEncodingTest, EqualKeysEqualBytesDifferentKeysDifferentBytes) {
  EXPECT_EQ(Key({Value::Int64(7)}), Key({Value::Int64(7)}));
  EXPECT_NE(Key({Value::Int64(7)}), Key({Value::Timestamp(7)}));
  EXPECT_NE(Key({Value::Int64(1)}), Key({Value::Bool(true)}));
  EXPECT_NE(Key({Value::String("a")}), Key({Value::Bytes("a")}));
  EXPECT_EQ(Key({Value::Null(TypeId::kInt64)}),
            Key({Value::Null(TypeId::kString)}));
  EXPECT_NE(Key({Value::Null(TypeId::kString)}), Key({Value::String("")}));
  EXPECT_EQ(Key({Value::Double(0.0)}), Key({Value::Double(-0.0)}));
  EXPECT_EQ(Key({Value::Double(std::nan("1"))}),
            Key({Value::Double(-std::nan("2"))}));
  EXPECT_EQ(Key({Value::Int64(0x0102)}),
            std::string("\x01\x80\0\0\0\0\0\x01\x02", 9));
}

TEST(KeyEncodingTest, CompositeKeysAreUnambiguous) {
  EXPECT_NE(Key({Value::String("a"), Value::String("bc")}),
            Key({Value::String("ab"), Value::String("c")}));
  EXPECT_NE(Key({Value::String(""), Value::String("x")}),
            Key({Value::String("x"), Value::String("")}));
  EXPECT_NE(Key({Value::Null(), Value::Int64(0)}),
            Key({Value::Int64(0), Value::Null()}));
  std::set<std::string> seen;
  const std::vector<std::string> parts = {"", "a", "ab", std::string(1, '\0'),
                                          "\x01"};
  for (const auto& x : parts) {
    for (const auto& y : parts) {
      EXPECT_TRUE(seen.insert(Key({Value::String(x), Value::Bytes(y)})).second);
    }
  }
}

TEST(KeyEncodingTest, ByteOrderFollowsNumericOrder) {
  const std::vector<int64_t> ints = {INT64_MIN, -1000, -1,  0,
                                     1,         255,   256, INT64_MAX};
  for (size_t i = 1; i < ints.size(); ++i) {
    EXPECT_LT(Key({Value::Int64(ints[i - 1])}), Key({Value::Int64(ints[i])}));
  }
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> ds = {-inf,   -1e300, -2.5,  -1e-300, 0.0,
                                  1e-300, 2.5,    1e300, inf};
  for (size_t i = 1; i < ds.size(); ++i) {
    EXPECT_LT(Key({Value::Double(ds[i - 1])}), Key({Value::Double(ds[i])}))
        << ds[i];
  }
}

}  // namespace
}  // namespace rtai::engine
