#include "engine/io/json_row_encoder.h"

#include <cmath>
#include <limits>

#include "base/random.h"
#include "engine/record/json_decoder.h"
#include "gtest/gtest.h"

namespace rtai::engine::io {
namespace {

Schema TestSchema() {
  return *Schema::Create({{"i", TypeId::kInt64}, {"d", TypeId::kDouble}, {"s", TypeId::kString},
                          {"b", TypeId::kBool}, {"t", TypeId::kTimestamp}, {"x", TypeId::kBytes}});
}

TEST(JsonRowEncoderTest, EncodesEveryTypeAndEscapes) {
  const Schema schema = TestSchema();
  const std::string raw("\x00\xff", 2);
  Value row[] = {Value::Int64(-5), Value::Double(0.1), Value::String("a\"b\\c\n\x01"),
                 Value::Bool(true), Value::Timestamp(1700000000000), Value::Bytes(raw)};
  std::string out;
  AppendJsonRow(schema, row, &out);
  EXPECT_EQ(out, "{\"i\":-5,\"d\":0.1,\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"b\":true,"
                 "\"t\":1700000000000,\"x\":\"AP8=\"}");
  Value nulls[] = {Value::Null(TypeId::kInt64), Value::Double(std::nan("")),
                   Value::String("\xff\xfe"), Value::Null(TypeId::kBool),
                   Value::Double(std::numeric_limits<double>::infinity()), Value::Null(TypeId::kBytes)};
  out.clear();
  AppendJsonRow(schema, nulls, &out);
  // NaN/inf have no JSON form; invalid UTF-8 becomes U+FFFD.
  EXPECT_EQ(out, "{\"i\":null,\"d\":null,\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\",\"b\":null,"
                 "\"t\":null,\"x\":null}");
}

TEST(JsonRowEncoderTest, RandomRowsRoundTripThroughTheDecoder) {
  const Schema schema = TestSchema();
  JsonRowDecoder decoder(&schema);
  Random random(11);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s, x;
    for (int k = random.Uniform(12); k > 0; --k) s.push_back(static_cast<char>(random.Uniform(128)));
    for (int k = random.Uniform(12); k > 0; --k) x.push_back(static_cast<char>(random.Uniform(256)));
    const double d = (random.NextDouble() - 0.5) * std::pow(10.0, random.Uniform(40));
    Value row[] = {Value::Int64(static_cast<int64_t>(random.Next())), Value::Double(d),
                   Value::String(s), Value::Bool(random.Uniform(2) == 1),
                   Value::Timestamp(static_cast<int64_t>(random.Uniform(1ull << 42))),
                   Value::Bytes(x)};
    std::string json;
    AppendJsonRow(schema, row, &json);
    RowBatch batch(&schema);
    ASSERT_TRUE(decoder.DecodeAppend(json, &batch).ok()) << json;
    for (size_t c = 0; c < schema.num_fields(); ++c) {
      EXPECT_EQ(batch.at(0, c), row[c]) << json << " column " << c;
    }
  }
}

}  // namespace
}  // namespace rtai::engine::io
