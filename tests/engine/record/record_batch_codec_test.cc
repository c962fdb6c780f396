#include "engine/record/record_batch_codec.h"

#include <string>

#include "base/random.h"
#include "gtest/gtest.h"

namespace rtai::engine {
namespace {

Schema TestSchema() {
  return *Schema::Create({{"id", TypeId::kInt64},
                          {"price", TypeId::kDouble},
                          {"name", TypeId::kString},
                          {"ok", TypeId::kBool},
                          {"ts", TypeId::kTimestamp},
                          {"blob", TypeId::kBytes}});
}

void FillRow(RowBatch& b, int i) {
  Value* r = b.AddRow();
  r[0] = Value::Int64(i * 1000003LL - 5);
  if (i % 3 != 0) r[1] = Value::Double(i * 0.25);
  if (i % 4 != 1)
    r[2] = Value::String(b.CopyBytes(std::string(i % 7, 'a' + i % 26)));
  r[3] = Value::Bool(i % 2 == 0);
  if (i % 5 != 0) r[4] = Value::Timestamp(1700000000000 + i);
  r[5] =
      Value::Bytes(b.CopyBytes(std::string("\0\x01\xff", 3).substr(0, i % 4)));
}

TEST(RecordBatchCodecTest, RoundTripsAllTypesAndNulls) {
  Schema schema = TestSchema();
  RowBatch in(&schema);
  for (int i = 0; i < 100; ++i) FillRow(in, i);
  const std::string bytes = EncodeRecordBatch(in);

  auto decoded_schema = DecodeRecordBatchSchema(bytes);
  ASSERT_TRUE(decoded_schema.ok()) << decoded_schema.status();
  EXPECT_TRUE(*decoded_schema == schema);

  RowBatch out(&schema);
  ASSERT_TRUE(DecodeRecordBatch(bytes, &out).ok());
  ASSERT_EQ(out.num_rows(), 100u);
  for (size_t r = 0; r < 100; ++r) {
    for (size_t c = 0; c < schema.num_fields(); ++c) {
      EXPECT_EQ(out.at(r, c), in.at(r, c))
          << "row " << r << " col " << c << ": " << out.at(r, c).DebugString()
          << " vs " << in.at(r, c).DebugString();
    }
  }
  EXPECT_TRUE(out.at(0, 1).is_null());
  EXPECT_EQ(out.at(0, 1).type(), TypeId::kDouble);
}

TEST(RecordBatchCodecTest, EmptyBatchRoundTrips) {
  Schema schema = TestSchema();
  RowBatch in(&schema);
  RowBatch out(&schema);
  ASSERT_TRUE(DecodeRecordBatch(EncodeRecordBatch(in), &out).ok());
  EXPECT_EQ(out.num_rows(), 0u);
}

TEST(RecordBatchCodecTest, RejectsSchemaMismatch) {
  Schema schema = TestSchema();
  RowBatch in(&schema);
  FillRow(in, 1);
  Schema other = *Schema::Create({{"id", TypeId::kInt64}});
  RowBatch out(&other);
  absl::Status s = DecodeRecordBatch(EncodeRecordBatch(in), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("differs"), absl::string_view::npos) << s;
}

TEST(RecordBatchCodecTest, RejectsRowLimitAndGarbage) {
  Schema schema = TestSchema();
  RowBatch in(&schema);
  for (int i = 0; i < 10; ++i) FillRow(in, i);
  RowBatch out(&schema);
  RecordBatchLimits limits;
  limits.max_rows = 5;
  EXPECT_FALSE(DecodeRecordBatch(EncodeRecordBatch(in), &out, limits).ok());
  EXPECT_FALSE(DecodeRecordBatch("", &out).ok());
  EXPECT_FALSE(DecodeRecordBatch("RTRB garbage garbage garbage", &out).ok());
}

// Every truncation and many random byte flips must give a Status or a batch,
// never a crash or an out-of-bounds read (run under ASan in CI).
TEST(RecordBatchCodecTest, CorruptedBuffersNeverCrash) {
  Schema schema = TestSchema();
  RowBatch in(&schema);
  for (int i = 0; i < 20; ++i) FillRow(in, i);
  const std::string good = EncodeRecordBatch(in);
  for (size_t len = 0; len < good.size(); ++len) {
    RowBatch out(&schema);
    (void)DecodeRecordBatch(std::string_view(good).substr(0, len), &out);
  }
  Random rng(42);
  int failures = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k) {
      bad[rng.Uniform(bad.size())] = static_cast<char>(rng.Next());
    }
    RowBatch out(&schema);
    if (!DecodeRecordBatch(bad, &out).ok()) ++failures;
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace rtai::engine
