#include "broker/kafka/codec.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/request_header.h"

namespace rtai::kafka {
namespace {

const MessageSpec* kAllSpecs[] = {
    &kProduceRequest,         &kProduceResponse,       &kFetchRequest,
    &kFetchResponse,          &kListOffsetsRequest,    &kListOffsetsResponse,
    &kMetadataRequest,        &kMetadataResponse,      &kApiVersionsRequest,
    &kApiVersionsResponse,    &kCreateTopicsRequest,   &kCreateTopicsResponse,
    &kDeleteTopicsRequest,    &kDeleteTopicsResponse,  &kDescribeConfigsRequest,
    &kDescribeConfigsResponse, &kOffsetCommitRequest,    &kOffsetCommitResponse,
    &kOffsetFetchRequest,     &kOffsetFetchResponse,   &kFindCoordinatorRequest,
    &kFindCoordinatorResponse, &kJoinGroupRequest,     &kJoinGroupResponse,
    &kHeartbeatRequest,       &kHeartbeatResponse,     &kLeaveGroupRequest,
    &kLeaveGroupResponse,     &kSyncGroupRequest,      &kSyncGroupResponse,
    &kInitProducerIdRequest,  &kInitProducerIdResponse,
};

// Fills every field present at `version` with a non-default value derived
// from `seed` (nullable fields are sometimes null).
void Populate(StructValue* s, int16_t version, uint64_t seed, int depth) {
  for (size_t i = 0; i < s->size(); ++i) {
    const FieldSpec& f = s->fields()[i];
    if (!f.versions.Contains(version)) continue;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const bool make_null = f.nullable.Contains(version) && (seed >> 33) % 4 == 0;
    Value& v = s->at(i);
    switch (f.type) {
      case FieldType::kBool: v = Value(int64_t{1}); break;
      case FieldType::kInt8: v = Value(static_cast<int64_t>(static_cast<int8_t>(seed >> 40))); break;
      case FieldType::kInt16: v = Value(static_cast<int64_t>(static_cast<int16_t>(seed >> 40))); break;
      case FieldType::kUint16: v = Value(static_cast<int64_t>(static_cast<uint16_t>(seed >> 40))); break;
      case FieldType::kInt32: v = Value(static_cast<int64_t>(static_cast<int32_t>(seed >> 20))); break;
      case FieldType::kInt64: v = Value(static_cast<int64_t>(seed)); break;
      case FieldType::kFloat64: v = Value(1.5); break;
      case FieldType::kUuid: v = Value(std::string(16, static_cast<char>(seed >> 50))); break;
      case FieldType::kString:
      case FieldType::kBytes:
      case FieldType::kRecords:
        v = make_null ? Value() : Value(std::string((seed >> 50) % 40 + 1, 'x'));
        break;
      case FieldType::kArray: {
        if (make_null) {
          v = Value();
          break;
        }
        std::vector<Value> elements;
        for (int e = 0; e < 2; ++e) {
          if (f.element == FieldType::kStruct) {
            StructValue child(f.fields);
            Populate(&child, version, seed + e, depth + 1);
            elements.push_back(Value(std::move(child)));
          } else if (f.element == FieldType::kString) {
            elements.push_back(Value(std::string("e") + std::to_string(e)));
          } else {
            elements.push_back(Value(int64_t{e + 7}));
          }
        }
        v = Value(std::move(elements));
        break;
      }
      case FieldType::kStruct: {
        StructValue child(f.fields);
        Populate(&child, version, seed, depth + 1);
        v = Value(std::move(child));
        break;
      }
    }
  }
}

TEST(CodecTest, EveryApiRoundTripsAtEveryVersion) {
  int cases = 0;
  for (const MessageSpec* spec : kAllSpecs) {
    for (int16_t v = spec->valid.min; v <= spec->valid.max; ++v) {
      for (uint64_t seed = 1; seed <= 4; ++seed) {
        StructValue msg = NewMessage(*spec);
        Populate(&msg, v, seed, 0);
        std::string bytes;
        EncodeMessage(*spec, v, msg, &bytes);
        absl::StatusOr<StructValue> back = DecodeMessage(*spec, v, bytes);
        ASSERT_TRUE(back.ok()) << spec->name << " v" << v << ": " << back.status();
        EXPECT_TRUE(*back == msg) << spec->name << " v" << v;
        std::string again;
        EncodeMessage(*spec, v, *back, &again);
        EXPECT_EQ(again, bytes) << spec->name << " v" << v;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 300);
}

TEST(CodecTest, EveryTruncationIsAnErrorNeverACrash) {
  for (const MessageSpec* spec : kAllSpecs) {
    for (int16_t v = spec->valid.min; v <= spec->valid.max; ++v) {
      StructValue msg = NewMessage(*spec);
      Populate(&msg, v, 3, 0);
      std::string bytes;
      EncodeMessage(*spec, v, msg, &bytes);
      for (size_t n = 0; n < bytes.size(); ++n) {
        absl::StatusOr<StructValue> r = DecodeMessage(*spec, v, bytes.substr(0, n));
        EXPECT_FALSE(r.ok()) << spec->name << " v" << v << " prefix " << n;
        if (!r.ok()) EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
      }
      absl::StatusOr<StructValue> longer = DecodeMessage(*spec, v, bytes + "z");
      ASSERT_FALSE(longer.ok());
      EXPECT_NE(longer.status().message().find("trailing"), absl::string_view::npos);
    }
  }
}

TEST(CodecTest, DecodesApiVersionsV3RequestAsLibrdkafkaSendsIt) {
  // Header v2 (client id stays a non-compact string) + compact body.
  std::string frame = absl::HexStringToBytes(
      "00120003000000010007726466616b6b6100"  // key 18, v3, corr 1, "rdfakka", no tags
      "0c6c69627264666b61666b61"              // compact "librdfkafka"
      "06322e302e3200");                      // compact "2.0.2", no tags
  absl::StatusOr<RequestHeader> h = DecodeRequestHeader(frame, RequestHeaderVersion(18, 3));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->api_key, 18);
  EXPECT_EQ(h->api_version, 3);
  EXPECT_EQ(h->correlation_id, 1);
  EXPECT_EQ(*h->client_id, "rdfakka");
  absl::StatusOr<StructValue> body =
      DecodeMessage(kApiVersionsRequest, 3, std::string_view(frame).substr(h->size));
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->Str("ClientSoftwareName"), "librdfkafka");
  EXPECT_EQ(body->Str("ClientSoftwareVersion"), "2.0.2");
}

TEST(CodecTest, EncodesApiVersionsV3ResponseByteExact) {
  StructValue r = NewMessage(kApiVersionsResponse);
  StructValue& api = r.AddStruct("ApiKeys");
  api.SetInt("ApiKey", 18);
  api.SetInt("MinVersion", 0);
  api.SetInt("MaxVersion", 3);
  std::string bytes;
  EncodeMessage(kApiVersionsResponse, 3, r, &bytes);
  EXPECT_EQ(absl::BytesToHexString(bytes), "0000" "02" "001200000003" "00" "00000000" "00");
  bytes.clear();
  EncodeMessage(kApiVersionsResponse, 0, r, &bytes);
  EXPECT_EQ(absl::BytesToHexString(bytes), "0000" "00000001" "001200000003");
}

TEST(CodecTest, TaggedFieldsAreWrittenOnlyWhenSetAndReadBack) {
  StructValue r = NewMessage(kApiVersionsResponse);
  r.SetInt("FinalizedFeaturesEpoch", 7);
  r.SetInt("ZkMigrationReady", 1);
  std::string bytes;
  EncodeMessage(kApiVersionsResponse, 3, r, &bytes);
  // error 0, empty compact array, throttle 0, 2 tags: (1, len 8, 7), (3, len 1, 1).
  EXPECT_EQ(absl::BytesToHexString(bytes),
            "0000" "01" "00000000" "02" "0108" "0000000000000007" "0301" "01");
  absl::StatusOr<StructValue> back = DecodeMessage(kApiVersionsResponse, 3, bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->Int("FinalizedFeaturesEpoch"), 7);
  EXPECT_EQ(back->Int("ZkMigrationReady"), 1);
}

TEST(CodecTest, UnknownTaggedFieldsAreSkipped) {
  const std::string bytes = absl::HexStringToBytes("0000" "01" "00000000" "01" "2a03616263");
  absl::StatusOr<StructValue> r = DecodeMessage(kApiVersionsResponse, 3, bytes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Int("FinalizedFeaturesEpoch"), -1);
}

TEST(CodecTest, RejectsTaggedFieldsOutOfOrder) {
  const std::string bytes =
      absl::HexStringToBytes("0000" "01" "00000000" "02" "030101" "0108" "0000000000000007");
  absl::StatusOr<StructValue> r = DecodeMessage(kApiVersionsResponse, 3, bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("out of order"), absl::string_view::npos) << r.status();
}

TEST(CodecTest, RejectsTaggedFieldWithTrailingBytes) {
  const std::string bytes = absl::HexStringToBytes("0000" "01" "00000000" "01" "03020101");
  EXPECT_FALSE(DecodeMessage(kApiVersionsResponse, 3, bytes).ok());
}

TEST(CodecTest, RejectsHugeArrayLengthBeforeAllocating) {
  // Metadata v1: Topics array claiming 2^31-1 entries, 2 bytes follow.
  const std::string bytes = absl::HexStringToBytes("7fffffff" "0001");
  absl::StatusOr<StructValue> r = DecodeMessage(kMetadataRequest, 1, bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("exceeds"), absl::string_view::npos) << r.status();
  // Compact (v9): varint length 2^32-1 - 1.
  absl::StatusOr<StructValue> c =
      DecodeMessage(kMetadataRequest, 9, absl::HexStringToBytes("ffffffff0f" "00"));
  EXPECT_FALSE(c.ok());
}

TEST(CodecTest, BoundsTheElementsOfOneMessage) {
  // DeleteTopics v0: TopicNames of empty strings (2 bytes each on the wire).
  auto request = [](int32_t n) {
    std::string b(4, '\0');
    b[0] = static_cast<char>(n >> 24);
    b[1] = static_cast<char>(n >> 16);
    b[2] = static_cast<char>(n >> 8);
    b[3] = static_cast<char>(n);
    b += std::string(2 * static_cast<size_t>(n), '\0');
    return b + std::string("\0\0\0\1", 4);
  };
  absl::StatusOr<StructValue> ok = DecodeMessage(kDeleteTopicsRequest, 0, request(kMaxDecodedElements));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->Array("TopicNames").size(), static_cast<size_t>(kMaxDecodedElements));
  absl::StatusOr<StructValue> over =
      DecodeMessage(kDeleteTopicsRequest, 0, request(kMaxDecodedElements + 1));
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("array elements"), absl::string_view::npos)
      << over.status();
}

TEST(CodecTest, RejectsNegativeLengths) {
  EXPECT_FALSE(DecodeMessage(kMetadataRequest, 1, absl::HexStringToBytes("fffffffe")).ok());
  // A topic name of length -2.
  EXPECT_FALSE(DecodeMessage(kMetadataRequest, 1, absl::HexStringToBytes("00000001fffe")).ok());
  // Produce v3 records of length -5.
  EXPECT_FALSE(DecodeMessage(kProduceRequest, 3,
                             absl::HexStringToBytes("ffff" "0001" "00000064" "00000001" "0001" "61"
                                                    "00000001" "00000000" "fffffffb"))
                   .ok());
}

TEST(CodecTest, RejectsStringLongerThanRemainingBytes) {
  absl::StatusOr<StructValue> r =
      DecodeMessage(kMetadataRequest, 1, absl::HexStringToBytes("00000001" "7fff" "6162"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Name"), absl::string_view::npos) << r.status();
}

TEST(CodecTest, NullOnlyWhereTheVersionAllowsIt) {
  // Topics is nullable from v1: null means "all topics".
  absl::StatusOr<StructValue> v1 = DecodeMessage(kMetadataRequest, 1, absl::HexStringToBytes("ffffffff"));
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_TRUE(v1->IsNull("Topics"));
  EXPECT_FALSE(DecodeMessage(kMetadataRequest, 0, absl::HexStringToBytes("ffffffff")).ok());
  // Compact null (0) at v9.
  absl::StatusOr<StructValue> v9 = DecodeMessage(kMetadataRequest, 9, absl::HexStringToBytes("0001000000"));
  ASSERT_TRUE(v9.ok()) << v9.status();
  EXPECT_TRUE(v9->IsNull("Topics"));
}

TEST(CodecTest, RejectsOverlongVarint) {
  EXPECT_FALSE(DecodeMessage(kMetadataRequest, 9, absl::HexStringToBytes("ffffffffff01")).ok());
}

TEST(CodecTest, UnsupportedVersionIsUnimplemented) {
  absl::StatusOr<StructValue> r = DecodeMessage(kFetchRequest, 12, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(DecodeMessage(kProduceRequest, -1, "").ok());
}

TEST(CodecTest, RequestHeaderRejectsBadClientIdLength) {
  EXPECT_FALSE(DecodeRequestHeader(absl::HexStringToBytes("000300010000000afffe"), 1).ok());
  EXPECT_FALSE(DecodeRequestHeader(absl::HexStringToBytes("000300010000000a0005616263"), 1).ok());
  absl::StatusOr<RequestHeader> null_id =
      DecodeRequestHeader(absl::HexStringToBytes("000300010000000affff"), 1);
  ASSERT_TRUE(null_id.ok());
  EXPECT_FALSE(null_id->client_id.has_value());
  EXPECT_FALSE(PeekRequestHeader(absl::HexStringToBytes("0003000100")).ok());
}

TEST(CodecTest, HeaderVersionsFollowFlexibility) {
  EXPECT_EQ(RequestHeaderVersion(18, 3), 2);
  EXPECT_EQ(ResponseHeaderVersion(18, 3), 0);  // ApiVersions: always v0
  EXPECT_EQ(RequestHeaderVersion(3, 8), 1);
  EXPECT_EQ(RequestHeaderVersion(3, 9), 2);
  EXPECT_EQ(ResponseHeaderVersion(3, 9), 1);
  EXPECT_EQ(ResponseHeaderVersion(0, 8), 0);
  EXPECT_EQ(RequestHeaderVersion(999, 0), 1);
}

}  // namespace
}  // namespace rtai::kafka
