#include "engine/record/value.h"

#include <string>

#include "engine/record/arena.h"
#include "engine/record/row.h"
#include "engine/record/schema.h"
#include "engine/record/text_parse.h"
#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

TEST(ValueTest, ScalarsRoundTripAndCompare) {
  EXPECT_EQ(Value::Int64(-7).int64(), -7);
  EXPECT_EQ(Value::Double(2.5).dbl(), 2.5);
  EXPECT_TRUE(Value::Bool(true).boolean());
  EXPECT_EQ(Value::Timestamp(1700000000123).timestamp_ms(), 1700000000123);
  EXPECT_EQ(Value::String("abc").str(), "abc");
  EXPECT_EQ(Value::Int64(1), Value::Int64(1));
  EXPECT_FALSE(Value::Int64(1) == Value::Timestamp(1));
  EXPECT_FALSE(Value::Null(TypeId::kInt64) == Value::Int64(0));
  EXPECT_EQ(Value::Null(TypeId::kInt64), Value::Null(TypeId::kInt64));
  EXPECT_EQ(Value::Null(TypeId::kString).DebugString(), "null");
  EXPECT_EQ(Value::String("a\"b").DebugString(), "\"a\\\"b\"");
}

TEST(TypeTest, ParsesNamesAndAliases) {
  EXPECT_EQ(ParseTypeName("BIGINT"), TypeId::kInt64);
  EXPECT_EQ(ParseTypeName("Boolean"), TypeId::kBool);
  EXPECT_EQ(ParseTypeName("binary"), TypeId::kBytes);
  EXPECT_EQ(ParseTypeName("null"), std::nullopt);
  EXPECT_EQ(ParseTypeName("int6"), std::nullopt);
  EXPECT_EQ(ParseTypeName(std::string(1000, 'x')), std::nullopt);
}

TEST(ArenaTest, ViewsStayValidAcrossBlocksAndResetReusesLargestBlock) {
  Arena arena(16);
  std::string_view a = arena.Copy("0123456789");
  std::string_view b = arena.Copy("abcdefghijklmnopqrstuvwxyz");  // own block
  std::string_view c = arena.Copy("XYZ0123456789");               // new block
  EXPECT_EQ(a, "0123456789");
  EXPECT_EQ(b, "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(c, "XYZ0123456789");
  EXPECT_EQ(arena.bytes_used(), 10u + 26u + 13u);
  arena.Reset();
  EXPECT_EQ(arena.bytes_used(), 0u);
  const char* p = arena.Allocate(20);  // fits in the kept 26-byte block
  EXPECT_EQ(p, b.data());
}

TEST(SchemaTest, RejectsDuplicateEmptyAndNullTypedFields) {
  EXPECT_FALSE(Schema::Create({}).ok());
  EXPECT_FALSE(
      Schema::Create({{"a", TypeId::kInt64}, {"a", TypeId::kDouble}}).ok());
  EXPECT_FALSE(Schema::Create({{"", TypeId::kInt64}}).ok());
  EXPECT_FALSE(Schema::Create({{"a", TypeId::kNull}}).ok());
  EXPECT_FALSE(Schema::Create({{"a", static_cast<TypeId>(42)}}).ok());
  auto s = Schema::Create({{"a", TypeId::kInt64}, {"b", TypeId::kString}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->FindField("b"), 1);
  EXPECT_EQ(s->FindField("c"), -1);
  EXPECT_EQ(s->DebugString(), "a:int64, b:string");
}

TEST(RowTest, ResetKeepsWidthAndForgetsValues) {
  Row row(2);
  row[0] = Value::Int64(3);
  row.SetString(1, "hello");
  EXPECT_EQ(row[1].str(), "hello");
  row.Reset(3);
  EXPECT_EQ(row.size(), 3u);
  EXPECT_TRUE(row[0].is_null());
}

TEST(TextParseTest, StrictScalars) {
  int64_t i;
  double d;
  bool b;
  EXPECT_TRUE(ParseInt64Text("-9223372036854775808", &i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(ParseInt64Text("9223372036854775808", &i));
  EXPECT_FALSE(ParseInt64Text("+1", &i));
  EXPECT_FALSE(ParseInt64Text(" 1", &i));
  EXPECT_FALSE(ParseInt64Text("1x", &i));
  EXPECT_TRUE(ParseDoubleText("1e3", &d));
  EXPECT_EQ(d, 1000.0);
  EXPECT_FALSE(ParseDoubleText("nan", &d));
  EXPECT_FALSE(ParseDoubleText("inf", &d));
  EXPECT_FALSE(ParseDoubleText("1e400", &d));
  EXPECT_TRUE(ParseBoolText("TRUE", false, &b));
  EXPECT_TRUE(b);
  EXPECT_FALSE(ParseBoolText("1", false, &b));
  EXPECT_TRUE(ParseBoolText("0", true, &b));
  EXPECT_FALSE(b);
  EXPECT_TRUE(ParseTimestampText("2024-01-02T03:04:05.678Z", &i));
  EXPECT_EQ(i, 1704164645678);
  EXPECT_TRUE(ParseTimestampText("2024-01-02T04:04:05.678+01:00", &i));
  EXPECT_EQ(i, 1704164645678);
  EXPECT_FALSE(ParseTimestampText("2024-13-02T03:04:05Z", &i));
  EXPECT_TRUE(IsValidUtf8("h\xC3\xA9llo"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));      // truncated
  EXPECT_EQ(Utf8Length("h\xC3\xA9llo"), 5u);
}

}  // namespace
}  // namespace rtai::engine
