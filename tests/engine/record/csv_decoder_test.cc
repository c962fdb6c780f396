#include "engine/record/csv_decoder.h"

#include <string>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

class CsvDecoderTest : public ::testing::Test {
 protected:
  CsvDecoderTest()
      : schema_(*Schema::Create({{"id", TypeId::kInt64},
                                 {"price", TypeId::kDouble},
                                 {"name", TypeId::kString},
                                 {"ok", TypeId::kBool},
                                 {"ts", TypeId::kTimestamp}})),
        decoder_(&schema_) {}

  std::string Error(std::string_view csv) {
    absl::Status s = decoder_.Decode(csv, &row_);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    }
    return std::string(s.message());
  }

  Schema schema_;
  CsvRowDecoder decoder_;
  Row row_;
};

TEST_F(CsvDecoderTest, DecodesPlainAndQuotedFields) {
  ASSERT_EQ(Error("7,2.5,\"a,\"\"b\"\"\nc\",TRUE,2024-01-02T03:04:05Z\r\n"),
            "");
  EXPECT_EQ(row_[0], Value::Int64(7));
  EXPECT_EQ(row_[1], Value::Double(2.5));
  EXPECT_EQ(row_[2].str(), "a,\"b\"\nc");
  EXPECT_EQ(row_[3], Value::Bool(true));
  EXPECT_EQ(row_[4], Value::Timestamp(1704164645000));
}

TEST_F(CsvDecoderTest, EmptyUnquotedIsNullQuotedEmptyIsEmptyString) {
  ASSERT_EQ(Error(",,\"\",,"), "");
  EXPECT_EQ(row_[0], Value::Null(TypeId::kInt64));
  EXPECT_EQ(row_[2], Value::String(""));
  EXPECT_EQ(row_[4], Value::Null(TypeId::kTimestamp));
}

TEST_F(CsvDecoderTest, MalformedLinesNameTheField) {
  EXPECT_EQ(Error("x,1,a,true,1"),
            "csv: field `id` (column 1): expected int64, got \"x\"");
  EXPECT_EQ(Error("1,1,a,yes,1"),
            "csv: field `ok` (column 4): expected bool, got \"yes\"");
  EXPECT_EQ(Error("1,1,a,true"), "csv: expected 5 fields, got 4");
  EXPECT_EQ(Error("1,1,a,true,1,9"),
            "csv: more than the 5 fields of the schema");
  EXPECT_EQ(Error("1,1,\"abc,true,1"),
            "csv: field `name` (column 3): unterminated quoted field");
  EXPECT_EQ(Error("1,1,\"a\"b,true,1"),
            "csv: field `name` (column 3): characters after the closing quote");
  EXPECT_EQ(Error("1,1,a\"b,true,1"),
            "csv: field `name` (column 3): quote inside an unquoted field");
  EXPECT_EQ(Error("1, 2.5,a,true,1"),
            "csv: field `price` (column 2): expected double, got \" 2.5\"");
  EXPECT_EQ(Error("1,1,\xff,true,1"),
            "csv: field `name` (column 3): expected string, got \"\xff\"");
  EXPECT_EQ(Error(std::string(40, '9') + ",1,a,true,1"),
            "csv: field `id` (column 1): expected int64, got \"" +
                std::string(32, '9') + "...\"");
}

TEST_F(CsvDecoderTest, CustomDelimiterAndSizeLimit) {
  CsvDecodeOptions options;
  options.delimiter = '|';
  options.max_input_bytes = 32;
  CsvRowDecoder decoder(&schema_, options);
  ASSERT_TRUE(decoder.Decode("1|2|a,b|false|0", &row_).ok());
  EXPECT_EQ(row_[2].str(), "a,b");
  absl::Status s = decoder.Decode(std::string(33, '1'), &row_);
  EXPECT_EQ(std::string(s.message()),
            "csv: input of 33 bytes exceeds the limit of 32");
}

TEST_F(CsvDecoderTest, RandomMutationsNeverCrash) {
  const std::string good = "1,2.5,\"a,\"\"b\",true,17\n";
  Random rng(11);
  static constexpr char kAlphabet[] = ",\"\n\r0123456789.-eatrufls\xff";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = good;
    for (int k = 0; k < 3; ++k) {
      const size_t pos = rng.Uniform(s.size() + 1);
      if (rng.Uniform(2) == 0 && pos < s.size()) {
        s.erase(pos, 1);
      } else {
        s.insert(pos, 1, kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)]);
      }
    }
    (void)decoder_.Decode(s, &row_);
  }
}

}  // namespace
}  // namespace rtai::engine

namespace rtai::engine {
namespace {

TEST(CsvDecodeAppendTest, AppendsGoodRecordsAndSkipsBadOnes) {
  Schema schema =
      *Schema::Create({{"id", TypeId::kInt64}, {"name", TypeId::kString}});
  CsvRowDecoder decoder(&schema);
  RowBatch batch(&schema);
  ASSERT_TRUE(decoder.DecodeAppend("1,\"a,b\"", &batch).ok());
  EXPECT_FALSE(decoder.DecodeAppend("x,b", &batch).ok());
  EXPECT_FALSE(decoder.DecodeAppend("2,b,c", &batch).ok());
  ASSERT_TRUE(decoder.DecodeAppend(",c", &batch).ok());
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.at(0, 1).str(), "a,b");
  EXPECT_EQ(batch.at(1, 0), Value::Null(TypeId::kInt64));
  EXPECT_EQ(batch.at(1, 1).str(), "c");
}

}  // namespace
}  // namespace rtai::engine
