#include "broker/log/record_batch.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "base/byte_order.h"
#include "base/crc32c.h"
#include "base/random.h"
#include "base/varint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

namespace bl = batch_layout;
using ::testing::HasSubstr;

// Produced by kafka-python 2.0.2's DefaultRecordBatchBuilder (Debian
// python3-kafka): records (k1, hello, [h=v]) @1700000000000 and
// (null, world) @1700000000005, uncompressed.
constexpr char kKafkaPythonBatchHex[] =
    "00000000000000000000004f00000000024bf42f080000000000010000018bcfe5680000"
    "00018bcfe56805ffffffffffffffffffffffffffff0000000222000000046b310a68656c"
    "6c6f020268027616000a02010a776f726c6400";
// Same builder, gzip: 3 records key="key", value="value-value-value-<i>",
// timestamps 1700000000000 + i.
constexpr char kKafkaPythonGzipBatchHex[] =
    "00000000000000000000006700000000024dd5b9500001000000020000018bcfe5680000"
    "00018bcfe56802ffffffffffffffffffffffffffff000000031f8b08000002076b02ffb3"
    "60606060cb4ead542b4bcc294dd545260d182c18989870481a0225595870481a3100004e"
    "2e623d57000000";

// Same records, lz4 (kafka-python with Debian's python3-lz4, LZ4 frame with
// content size).
constexpr char kKafkaPythonLz4BatchHex[] =
    "0000000000000000000000750000000002cae9abfc0003000000020000018bcfe5680000"
    "00018bcfe56802ffffffffffffffffffffffffffff0000000304224d1868405700000000"
    "0000007f2d000000f80038000000066b65792676616c75652d06006f3000380002021d00"
    "046f3100380004041d00015075652d320000000000";

std::vector<Record> SampleRecords(int n, size_t value_size = 10) {
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) {
    Record r;
    if (i % 3 != 0) r.key = "key-" + std::to_string(i);
    if (i % 5 != 4)
      r.value = std::string(value_size, static_cast<char>('a' + i % 26));
    if (i % 2 == 0) r.headers.push_back({"h" + std::to_string(i), "v"});
    if (i % 4 == 0) r.headers.push_back({"null-header", std::nullopt});
    r.timestamp_ms = 1'700'000'000'000 + i * 7 - (i % 3);
    records.push_back(r);
  }
  return records;
}

void ResetCrc(std::string* batch) {
  StoreBigEndian<uint32_t>(batch->data() + bl::kCrc,
                           crc32c::Value(batch->data() + bl::kAttributes,
                                         batch->size() - bl::kAttributes));
}

TEST(RecordBatchTest, DecodesBatchBuiltByKafkaPython) {
  const std::string batch = absl::HexStringToBytes(kKafkaPythonBatchHex);
  ASSERT_TRUE(ValidateBatch(batch, 1 << 20).ok());
  auto records = DecodeRecordBatches(batch);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].key, "k1");
  EXPECT_EQ((*records)[0].value, "hello");
  ASSERT_EQ((*records)[0].headers.size(), 1u);
  EXPECT_EQ((*records)[0].headers[0].key, "h");
  EXPECT_EQ((*records)[0].headers[0].value, "v");
  EXPECT_EQ((*records)[0].timestamp_ms, 1700000000000);
  EXPECT_EQ((*records)[1].key, std::nullopt);
  EXPECT_EQ((*records)[1].value, "world");
  EXPECT_EQ((*records)[1].timestamp_ms, 1700000000005);
  EXPECT_EQ((*records)[1].offset, Offset(1));
}

TEST(RecordBatchTest, BuildMatchesKafkaPythonBytes) {
  std::vector<Record> records(2);
  records[0].key = "k1";
  records[0].value = "hello";
  records[0].headers.push_back({"h", "v"});
  records[0].timestamp_ms = 1700000000000;
  records[1].value = "world";
  records[1].timestamp_ms = 1700000000005;
  std::string built = BuildRecordBatch(records);
  std::string expected = absl::HexStringToBytes(kKafkaPythonBatchHex);
  // kafka-python leaves partitionLeaderEpoch 0; we write -1 (outside the CRC).
  StampPartitionLeaderEpoch(expected.data(), LeaderEpoch(-1));
  EXPECT_EQ(absl::BytesToHexString(built), absl::BytesToHexString(expected));
}

TEST(RecordBatchTest, DecodesCompressedBatchesBuiltByKafkaPython) {
  for (const char* hex : {kKafkaPythonGzipBatchHex, kKafkaPythonLz4BatchHex}) {
    const std::string batch = absl::HexStringToBytes(hex);
    ASSERT_TRUE(ValidateBatch(batch, 1 << 20).ok());
    auto records = DecodeRecordBatches(batch);
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_EQ(records->size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ((*records)[i].key, "key");
      EXPECT_EQ((*records)[i].value, "value-value-value-" + std::to_string(i));
      EXPECT_EQ((*records)[i].timestamp_ms, 1700000000000 + i);
      EXPECT_EQ((*records)[i].offset, Offset(i));
    }
  }
}

TEST(RecordBatchTest, RoundTripsEveryCodec) {
  const std::vector<Record> records = SampleRecords(200, 300);
  for (auto codec : {CompressionCodec::kNone, CompressionCodec::kGzip,
                     CompressionCodec::kSnappy, CompressionCodec::kLz4,
                     CompressionCodec::kZstd}) {
    SCOPED_TRACE(CompressionCodecName(codec));
    std::string batch = BuildRecordBatch(records, codec);
    ASSERT_TRUE(ValidateBatch(batch, 1 << 24).ok());
    auto h = ParseBatchHeader(batch);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->compression(), codec);
    EXPECT_EQ(h->records_count, 200);
    EXPECT_EQ(h->last_offset_delta, 199);
    StampBaseOffset(batch.data(), Offset(1000));
    auto decoded = DecodeRecordBatches(batch);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    ASSERT_EQ(decoded->size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      Record expected = records[i];
      expected.offset = Offset(1000 + static_cast<int64_t>(i));
      EXPECT_EQ((*decoded)[i], expected) << i;
    }
  }
}

TEST(RecordBatchTest, AcceptsRawSnappyBlock) {
  const std::string data(5000, 'x');
  std::string framed = Compress(CompressionCodec::kSnappy, data);
  auto out = Decompress(CompressionCodec::kSnappy, framed, 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, data);
  // A raw block: the xerial frame's only block, unwrapped.
  const std::string raw = framed.substr(20);
  out = Decompress(CompressionCodec::kSnappy, raw, 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, data);
}

TEST(RecordBatchTest, StampingKeepsCrcValid) {
  std::string batch = BuildRecordBatch(SampleRecords(3));
  StampBaseOffset(batch.data(), Offset(int64_t{1} << 40));
  StampPartitionLeaderEpoch(batch.data(), LeaderEpoch(77));
  EXPECT_TRUE(ValidateBatch(batch, 1 << 20).ok());
  auto h = ParseBatchHeader(batch);
  EXPECT_EQ(h->base_offset, int64_t{1} << 40);
  EXPECT_EQ(h->partition_leader_epoch, 77);
}

TEST(RecordBatchTest, DecodesConcatenatedBatchesAndSkipsControl) {
  std::string a = BuildRecordBatch(SampleRecords(2));
  std::string control = BuildRecordBatch(SampleRecords(1));
  StoreBigEndian<int16_t>(control.data() + bl::kAttributes,
                          bl::kControlBit | bl::kTransactionalBit);
  ResetCrc(&control);
  std::string b = BuildRecordBatch(SampleRecords(3));
  StampBaseOffset(control.data(), Offset(2));
  StampBaseOffset(b.data(), Offset(3));
  auto decoded = DecodeRecordBatches(a + control + b);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->size(), 5u);
  EXPECT_EQ((*decoded)[2].offset, Offset(3));
  EXPECT_EQ((*decoded)[4].offset, Offset(5));
}

TEST(RecordBatchTest, RejectsHostileHeaders) {
  const std::string good = BuildRecordBatch(SampleRecords(4));
  struct Case {
    const char* name;
    int field;
    int width;
    int64_t value;
    const char* message;
  };
  const Case cases[] = {
      {"magic 1", bl::kMagic, 1, 1, "magic 1"},
      {"negative length", bl::kBatchLength, 4, -5, "batchLength -5"},
      {"huge length", bl::kBatchLength, 4, 0x7fffffff, "batchLength"},
      {"zero count", bl::kRecordsCount, 4, 0, "recordsCount 0"},
      {"negative count", bl::kRecordsCount, 4, -1, "recordsCount -1"},
      {"count too big", bl::kRecordsCount, 4, 1000000, "recordsCount"},
      {"lastOffsetDelta", bl::kLastOffsetDelta, 4, 1, "lastOffsetDelta 1"},
      {"codec 7", bl::kAttributes, 2, 7, "codec 7"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string bad = good;
    char* p = bad.data() + c.field;
    if (c.width == 1) p[0] = static_cast<char>(c.value);
    if (c.width == 2) StoreBigEndian<int16_t>(p, static_cast<int16_t>(c.value));
    if (c.width == 4) StoreBigEndian<int32_t>(p, static_cast<int32_t>(c.value));
    if (c.field > bl::kCrc) ResetCrc(&bad);  // only the field is wrong
    absl::Status s = ValidateBatch(bad, 1 << 20);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
    EXPECT_FALSE(DecodeRecordBatches(bad).ok());
    EXPECT_EQ(CheckStoredBatch(bad).code(), absl::StatusCode::kDataLoss);
  }
}

TEST(RecordBatchTest, RejectsBadCrcTruncationAndOversize) {
  const std::string good = BuildRecordBatch(SampleRecords(4));
  std::string flipped = good;
  flipped[good.size() - 3] ^= 0x10;
  absl::Status s = ValidateBatch(flipped, 1 << 20);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("CRC"));
  EXPECT_EQ(DecodeRecordBatches(flipped).status().code(),
            absl::StatusCode::kDataLoss);
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(ValidateBatch(good.substr(0, n), 1 << 20).ok()) << n;
    EXPECT_FALSE(DecodeRecordBatches(good.substr(0, n)).ok() && n > 0) << n;
  }
  EXPECT_EQ(ValidateBatch(good, static_cast<int32_t>(good.size()) - 1).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ValidateBatch(good, static_cast<int32_t>(good.size())).ok());
  EXPECT_FALSE(ValidateBatch(good + "x", 1 << 20).ok());
}

// A batch whose CRC is right but whose records are garbage (a hostile
// producer can compute CRCs): decoding must fail cleanly, never crash.
TEST(RecordBatchTest, DecodeSurvivesGarbageRecordsWithValidCrc) {
  const std::string good = BuildRecordBatch(SampleRecords(6, 20));
  Random rng(42);
  int failures = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string bad = good;
    const int flips = 1 + static_cast<int>(rng.Uniform(4));
    for (int f = 0; f < flips; ++f) {
      const size_t pos =
          bl::kHeaderSize + rng.Uniform(bad.size() - bl::kHeaderSize);
      bad[pos] = static_cast<char>(rng.Next());
    }
    ResetCrc(&bad);
    auto decoded = DecodeRecordBatches(bad);
    if (!decoded.ok()) {
      ++failures;
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_GT(failures, 1000);
}

TEST(RecordBatchTest, TruncatedVarintsAreErrors) {
  // One record whose length varint is cut: 0xff 0xff ... never terminates.
  std::string batch = BuildRecordBatch(SampleRecords(1));
  batch.resize(bl::kHeaderSize);
  batch.append(std::string(7, '\xff'));
  StoreBigEndian<int32_t>(
      batch.data() + bl::kBatchLength,
      static_cast<int32_t>(batch.size() - bl::kLogOverhead));
  ResetCrc(&batch);
  auto decoded = DecodeRecordBatches(batch);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(decoded.status().message()), HasSubstr("varint"));
}

TEST(RecordBatchTest, CorruptCompressedDataIsAnError) {
  for (auto codec : {CompressionCodec::kGzip, CompressionCodec::kSnappy,
                     CompressionCodec::kLz4, CompressionCodec::kZstd}) {
    SCOPED_TRACE(CompressionCodecName(codec));
    std::string batch = BuildRecordBatch(SampleRecords(50, 100), codec);
    for (size_t cut : {size_t{1}, size_t{5}, batch.size() / 3}) {
      std::string bad = batch.substr(0, batch.size() - cut);
      StoreBigEndian<int32_t>(
          bad.data() + bl::kBatchLength,
          static_cast<int32_t>(bad.size() - bl::kLogOverhead));
      ResetCrc(&bad);
      EXPECT_FALSE(DecodeRecordBatches(bad).ok()) << cut;
    }
  }
}

TEST(RecordBatchTest, DecompressionLimitIsEnforced) {
  const std::string big(1 << 20, 'z');  // compresses to almost nothing
  for (auto codec : {CompressionCodec::kGzip, CompressionCodec::kSnappy,
                     CompressionCodec::kLz4, CompressionCodec::kZstd}) {
    SCOPED_TRACE(CompressionCodecName(codec));
    const std::string c = Compress(codec, big);
    EXPECT_LT(c.size(), big.size() / 10);
    EXPECT_EQ(Decompress(codec, c, (1 << 20) - 1).status().code(),
              absl::StatusCode::kResourceExhausted);
    auto ok = Decompress(codec, c, 1 << 20);
    ASSERT_TRUE(ok.ok()) << ok.status();
    EXPECT_EQ(*ok, big);
  }
  std::vector<Record> records = SampleRecords(1);
  records[0].value = big;
  std::string batch = BuildRecordBatch(records, CompressionCodec::kZstd);
  EXPECT_EQ(DecodeRecordBatches(batch, 1 << 19).status().code(),
            absl::StatusCode::kResourceExhausted);
}

// Random bytes framed as a plausible batch (right length, magic, any codec,
// valid CRC) reach the record parser and the decompressors: they must fail
// cleanly, never crash or over-allocate (run under ASan in CI).
TEST(RecordBatchTest, RandomFramedBytesNeverCrash) {
  Random rng(2024);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b(bl::kHeaderSize + rng.Uniform(400), '\0');
    for (char& c : b) c = static_cast<char>(rng.Next());
    StoreBigEndian<int32_t>(b.data() + bl::kBatchLength,
                            static_cast<int32_t>(b.size() - bl::kLogOverhead));
    b[bl::kMagic] = bl::kMagicV2;
    StoreBigEndian<int16_t>(b.data() + bl::kAttributes,
                            static_cast<int16_t>(rng.Uniform(5)));
    StoreBigEndian<int32_t>(b.data() + bl::kRecordsCount,
                            static_cast<int32_t>(1 + rng.Uniform(20)));
    StoreBigEndian<int32_t>(b.data() + bl::kLastOffsetDelta, 30);
    ResetCrc(&b);
    EXPECT_TRUE(ValidateBatch(b, 1 << 20).ok() ||
                (b[bl::kAttributes + 1] == 0));  // uncompressed may not fit
    auto decoded = DecodeRecordBatches(b, 1 << 16);
    if (!decoded.ok()) {
      EXPECT_NE(decoded.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

}  // namespace
}  // namespace rtai::broker
