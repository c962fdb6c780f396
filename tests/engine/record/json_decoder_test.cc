#include "engine/record/json_decoder.h"

#include <string>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

class JsonDecoderTest : public ::testing::Test {
 protected:
  JsonDecoderTest()
      : schema_(*Schema::Create({{"id", TypeId::kInt64},
                                 {"price", TypeId::kDouble},
                                 {"name", TypeId::kString},
                                 {"ok", TypeId::kBool},
                                 {"ts", TypeId::kTimestamp},
                                 {"blob", TypeId::kBytes}})),
        decoder_(&schema_) {}

  // Returns the error message, or "" on success.
  std::string Error(std::string_view json) {
    absl::Status s = decoder_.Decode(json, &row_);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    }
    return std::string(s.message());
  }

  Schema schema_;
  JsonRowDecoder decoder_;
  Row row_;
};

TEST_F(JsonDecoderTest, DecodesAllTypes) {
  ASSERT_EQ(Error(R"({"id": -42, "price": 1.5e2, "name": "caf\u00e9 \"x\"",
                      "ok": true, "ts": "2024-01-02T03:04:05.678Z", "blob": "AAH/"})"),
            "");
  EXPECT_EQ(row_[0], Value::Int64(-42));
  EXPECT_EQ(row_[1], Value::Double(150));
  EXPECT_EQ(row_[2].str(), "caf\xC3\xA9 \"x\"");
  EXPECT_EQ(row_[3], Value::Bool(true));
  EXPECT_EQ(row_[4], Value::Timestamp(1704164645678));
  EXPECT_EQ(row_[5].str(), std::string("\0\x01\xff", 3));
}

TEST_F(JsonDecoderTest, MissingAndNullFieldsAreTypedNulls) {
  ASSERT_EQ(Error(R"({"price": null, "ts": 17})"), "");
  EXPECT_EQ(row_[0], Value::Null(TypeId::kInt64));
  EXPECT_EQ(row_[1], Value::Null(TypeId::kDouble));
  EXPECT_EQ(row_[4], Value::Timestamp(17));
  ASSERT_EQ(Error("{}"), "");
  EXPECT_TRUE(row_[2].is_null());
}

TEST_F(JsonDecoderTest, IntegerColumnAcceptsIntegersOnly) {
  ASSERT_EQ(Error(R"({"price": 3})"), "");  // double accepts integers
  EXPECT_EQ(row_[1], Value::Double(3));
  EXPECT_EQ(
      Error(R"({"id": 1.5})"),
      "json: field `id`: expected int64, got a fractional number at byte 10");
  EXPECT_EQ(Error(R"({"id": "12"})"),
            "json: field `id`: expected int64, got string at byte 7");
  EXPECT_EQ(Error(R"({"id": 9223372036854775808})"),
            "json: field `id`: integer out of int64 range at byte 26");
  EXPECT_EQ(Error(R"({"price": 1e999})"),
            "json: field `price`: number out of range at byte 15");
  EXPECT_EQ(Error(R"({"ok": [true]})"),
            "json: field `ok`: expected bool, got array at byte 7");
  EXPECT_EQ(Error(R"({"blob": "!!"})"),
            "json: field `blob`: invalid base64 at byte 13");
  EXPECT_EQ(Error(R"({"ts": "yesterday"})"),
            "json: field `ts`: expected integer milliseconds or an RFC 3339 "
            "time at byte 18");
}

TEST_F(JsonDecoderTest, UnknownFieldsAreSkippedIncludingNestedValues) {
  ASSERT_EQ(
      Error(R"({"extra": {"a": [1, {"b": null}, "x\"]"], "c": {}}, "id": 5})"),
      "");
  EXPECT_EQ(row_[0], Value::Int64(5));
  JsonDecodeOptions strict;
  strict.ignore_unknown_fields = false;
  JsonRowDecoder decoder(&schema_, strict);
  absl::Status s = decoder.Decode(R"({"id": 1, "extra": 2})", &row_);
  EXPECT_EQ(std::string(s.message()), "json: unknown field `extra` at byte 18");
}

TEST_F(JsonDecoderTest, MalformedDocuments) {
  EXPECT_EQ(Error(""), "json: expected a JSON object at byte 0");
  EXPECT_EQ(Error("[1]"), "json: expected a JSON object at byte 0");
  EXPECT_EQ(Error(R"({"id": 1)"), "json: expected ',' or '}' at byte 8");
  EXPECT_EQ(Error(R"({"id": 1,})"), "json: expected string at byte 9");
  EXPECT_EQ(Error(R"({"id": 1} x)"),
            "json: trailing characters after the object at byte 10");
  EXPECT_EQ(Error(R"({"id": 1, "id": 2})"),
            "json: field `id` appears twice at byte 15");
  EXPECT_EQ(Error(R"({"name": "abc)"), "json: unterminated string at byte 13");
  EXPECT_EQ(Error("{\"name\": \"a\tb\"}"),
            "json: unescaped control character in string at byte 11");
  EXPECT_EQ(Error(R"({"name": "\ud800"})"),
            "json: unpaired high surrogate at byte 16");
  EXPECT_EQ(Error(R"({"name": "\x"})"), "json: invalid escape at byte 12");
  EXPECT_EQ(Error("{\"name\": \"\xff\"}"),
            "json: string is not valid UTF-8 at byte 12");
  EXPECT_EQ(Error(R"({"id": 01})"),
            "json: number has a leading zero at byte 9");
  EXPECT_EQ(Error(R"({"id": -})"), "json: invalid number at byte 8");
  EXPECT_EQ(Error(R"({"ok": tru})"), "json: invalid literal at byte 7");
  EXPECT_EQ(Error(R"({"id": })"), "json: field `id`: invalid value at byte 7");
  EXPECT_EQ(Error(R"({"x": [1 2]})"),
            "json: expected ',' or closing bracket at byte 9");
}

TEST_F(JsonDecoderTest, DeepNestingAndHugeInputAreRejectedNotRecursed) {
  std::string deep =
      "{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(Error(deep), "json: nesting too deep at byte 38");
  std::string ok_depth =
      "{\"x\": " + std::string(32, '[') + std::string(32, ']') + "}";
  EXPECT_EQ(Error(ok_depth), "");
  std::string big = "{\"name\": \"" + std::string(2 << 20, 'a') + "\"}";
  EXPECT_EQ(Error(big),
            "json: input of 2097164 bytes exceeds the limit of 1048576");
  std::string long_ok = "{\"name\": \"" + std::string(1000000, 'a') + "\"}";
  ASSERT_EQ(Error(long_ok), "");
  EXPECT_EQ(row_[2].str().size(), 1000000u);
}

TEST_F(JsonDecoderTest, RandomMutationsNeverCrash) {
  const std::string good =
      R"({"id": 1, "price": 2.5, "name": "a\u00e9\"", "ok": false, "ts": 3, "x": [{"y": [1]}]})";
  Random rng(7);
  static constexpr char kAlphabet[] =
      "{}[]\":,\\u0123456789eE.-+ tfnalrs\xff\x01";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = good;
    const int edits = 1 + static_cast<int>(rng.Uniform(4));
    for (int k = 0; k < edits; ++k) {
      const size_t pos = rng.Uniform(s.size());
      switch (rng.Uniform(3)) {
        case 0:
          s[pos] = kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)];
          break;
        case 1:
          s.erase(pos, 1);
          break;
        default:
          s.insert(pos, 1, kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)]);
      }
      if (s.empty()) s = "{";
    }
    (void)decoder_.Decode(s, &row_);
  }
}

}  // namespace
}  // namespace rtai::engine

namespace rtai::engine {
namespace {

TEST(JsonDecodeAppendTest, AppendsGoodRecordsAndSkipsBadOnes) {
  Schema schema =
      *Schema::Create({{"id", TypeId::kInt64}, {"name", TypeId::kString}});
  JsonRowDecoder decoder(&schema);
  RowBatch batch(&schema);
  ASSERT_TRUE(
      decoder.DecodeAppend(R"({"id": 1, "name": "a\nb"})", &batch).ok());
  EXPECT_FALSE(decoder.DecodeAppend(R"({"id": 2, "name": 3})", &batch).ok());
  EXPECT_FALSE(decoder.DecodeAppend(R"({"id": "x"})", &batch).ok());
  ASSERT_TRUE(decoder.DecodeAppend(R"({"name": "c"})", &batch).ok());
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.at(0, 0), Value::Int64(1));
  EXPECT_EQ(batch.at(0, 1).str(), "a\nb");
  EXPECT_EQ(batch.at(1, 0), Value::Null(TypeId::kInt64));
  EXPECT_EQ(batch.at(1, 1).str(), "c");
}

}  // namespace
}  // namespace rtai::engine
