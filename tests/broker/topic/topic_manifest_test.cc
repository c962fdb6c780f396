#include "broker/topic/topic_manifest.h"

#include <string>

#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

TopicMetadata SampleMetadata() {
  TopicMetadata m;
  m.name = "orders.v1";
  for (int i = 0; i < 16; ++i) m.topic_id[i] = static_cast<uint8_t>(i * 17);
  m.partition_count = 3;
  m.created_ms = 1'700'000'123'456;
  m.configs = {{"retention.ms", "60000"}, {"flush.policy", "interval"}};
  for (int i = 0; i < 3; ++i) {
    m.partitions.push_back({PartitionId(i), NodeId(7), LeaderEpoch(i + 2)});
  }
  return m;
}

TEST(TopicManifestTest, RoundTripsEveryField) {
  TopicMetadata m = SampleMetadata();
  auto decoded = DecodeTopicManifest(EncodeTopicManifest(m), "x");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->name, m.name);
  EXPECT_EQ(decoded->topic_id, m.topic_id);
  EXPECT_EQ(decoded->partition_count, 3);
  EXPECT_EQ(decoded->created_ms, m.created_ms);
  EXPECT_EQ(decoded->configs, m.configs);
  ASSERT_EQ(decoded->partitions.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(decoded->partitions[i].partition, PartitionId(i));
    EXPECT_EQ(decoded->partitions[i].leader, NodeId(7));
    EXPECT_EQ(decoded->partitions[i].leader_epoch, LeaderEpoch(i + 2));
  }
  EXPECT_EQ(TopicIdToString(m.topic_id), "00112233445566778899aabbccddeeff");
}

void ExpectCorrupt(const std::string& bytes, absl::string_view needle) {
  auto d = DecodeTopicManifest(bytes, "/data/topics/t/topic.manifest");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(d.status().message().find("/data/topics/t/topic.manifest"),
            absl::string_view::npos)
      << d.status();
  EXPECT_NE(d.status().message().find(needle), absl::string_view::npos)
      << d.status();
}

TEST(TopicManifestTest, RejectsTruncatedFilesAtEveryLength) {
  const std::string good = EncodeTopicManifest(SampleMetadata());
  for (size_t n = 0; n < good.size(); ++n) {
    auto d = DecodeTopicManifest(good.substr(0, n), "p");
    EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << n;
  }
}

TEST(TopicManifestTest, DetectsEveryFlippedBit) {
  const std::string good = EncodeTopicManifest(SampleMetadata());
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] ^= static_cast<char>(1 << bit);
      auto d = DecodeTopicManifest(bad, "p");
      EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss)
          << i << "/" << bit;
    }
  }
}

TEST(TopicManifestTest, NamesTheProblem) {
  std::string good = EncodeTopicManifest(SampleMetadata());
  ExpectCorrupt("", "shorter than its header");
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  ExpectCorrupt(bad_magic, "bad magic");
  std::string bad_body = good;
  bad_body[good.size() - 3] ^= 1;
  ExpectCorrupt(bad_body, "CRC-32C mismatch");
  ExpectCorrupt(std::string("RTMF") + std::string(4, '\0'),
                "FlatBuffer verification");
}

}  // namespace
}  // namespace rtai::broker
