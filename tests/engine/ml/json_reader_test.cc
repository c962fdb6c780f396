#include <string>

#include "engine/ml/model/json_value.h"
#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

TEST(JsonReaderTest, ParsesNestedDocument) {
  auto v = ParseJson(
      R"( {"a": [1, -2.5e3, true, false, null], "b": {"c": "x\u00e9\ud83d\ude00\n"}} )");
  ASSERT_TRUE(v.ok()) << v.status();
  const JsonValue* a = v->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items().size(), 5u);
  EXPECT_EQ(a->items()[0].number(), 1);
  EXPECT_EQ(a->items()[1].number(), -2500);
  EXPECT_TRUE(a->items()[2].bool_value());
  EXPECT_EQ(a->items()[4].kind(), JsonValue::Kind::kNull);
  EXPECT_EQ(v->Find("b")->Find("c")->str(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
}

TEST(JsonReaderTest, RejectsNonStrictJson) {
  for (const char* bad : {"",
                          "{",
                          "[1,]",
                          "{\"a\":1,}",
                          "// c\n{}",
                          "{'a':1}",
                          "[01]",
                          "[1.]",
                          "[.5]",
                          "[NaN]",
                          "[Infinity]",
                          "[1e999]",
                          "{\"a\":1,\"a\":2}",
                          "[\"\x01\"]",
                          "[\"\\x\"]",
                          "[\"\\ud800\"]",
                          "[\"\\udc00\"]",
                          "[1] x",
                          "[\"abc",
                          "{\"a\" 1}",
                          "[-]",
                          "[1e]",
                          "tru",
                          "[+1]"}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << "accepted: " << bad;
  }
}

TEST(JsonReaderTest, EnforcesDepthAndSizeLimits) {
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseJson(deep).ok());  // depth cap, no stack overflow
  JsonLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(ParseJson("[[[1]]]", limits).ok());
  EXPECT_FALSE(ParseJson("[[[[1]]]]", limits).ok());
  limits = JsonLimits();
  limits.max_values = 3;
  EXPECT_TRUE(ParseJson("[1,2]", limits).ok());
  EXPECT_FALSE(ParseJson("[1,2,3]", limits).ok());
  limits = JsonLimits();
  limits.max_input_bytes = 4;
  EXPECT_FALSE(ParseJson("[1,2]", limits).ok());
  limits = JsonLimits();
  limits.max_string_bytes = 2;
  EXPECT_FALSE(ParseJson("[\"abcdef\"]", limits).ok());
}

std::string Ubj(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(UbjsonReaderTest, ParsesTypedAndUntypedContainers) {
  // {"a": [$d#i2 1.5f -2.0f], "s": "hi", "n": [#U2 i5 Z]}
  std::string doc =
      Ubj({'{', 'i',  1,   'a', '[', '$', 'd', '#', 'i', 2,   0x3f, 0xc0, 0,
           0,   0xc0, 0,   0,   0,   'i', 1,   's', 'S', 'i', 2,    'h',  'i',
           'i', 1,    'n', '[', '#', 'U', 2,   'i', 5,   'Z', '}'});
  auto v = ParseUbjson(doc);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Find("a")->items()[0].number(), 1.5);
  EXPECT_EQ(v->Find("a")->items()[1].number(), -2.0);
  EXPECT_EQ(v->Find("s")->str(), "hi");
  EXPECT_EQ(v->Find("n")->items()[0].number(), 5);
}

TEST(UbjsonReaderTest, RejectsHostileInput) {
  // Count larger than the input, negative lengths, zero-width typed arrays,
  // unknown markers, truncation, duplicate keys, trailing bytes.
  for (const std::string& bad :
       {Ubj({'[', '$', 'd', '#', 'L', 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
             0xff}),
        Ubj({'S', 'i', 0xff}), Ubj({'[', '$', 'Z', '#', 'l', 0x10, 0, 0, 0}),
        Ubj({'X'}), Ubj({'[', 'i'}),
        Ubj({'{', 'i', 1, 'a', 'i', 1, 'i', 1, 'a', 'i', 2, '}'}),
        Ubj({'i', 1, 'i'}), Ubj({'[', '$', 'd', 'i'}), Ubj({}),
        Ubj({'d', 0x7f, 0x80, 0, 0})}) {
    EXPECT_FALSE(ParseUbjson(bad).ok());
  }
  EXPECT_FALSE(ParseUbjson(std::string(100000, '[')).ok());
}

}  // namespace
}  // namespace rtai::ml

namespace rtai::ml {
namespace {

// A hostile object with many keys must not make duplicate detection
// quadratic (200k keys would take minutes at O(n^2)).
TEST(JsonReaderTest, ManyKeysParseInLinearTime) {
  std::string doc = "{";
  for (int i = 0; i < 200000; ++i) {
    if (i > 0) doc += ",";
    doc += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  }
  auto v = ParseJson(doc + "}");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->items().size(), 200000u);
  EXPECT_FALSE(ParseJson(doc + ",\"k123\":1}").ok());  // duplicate at the end
}

}  // namespace
}  // namespace rtai::ml
