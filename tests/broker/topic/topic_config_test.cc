#include "broker/topic/topic_config.h"

#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

TEST(TopicConfigTest, EmptyConfigsGiveDefaults) {
  LogConfig defaults;
  defaults.segment_bytes = 4096;
  auto c = ApplyTopicConfigs(defaults, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->segment_bytes, 4096);
  EXPECT_EQ(c->flush_policy, FlushPolicy::kPerWrite);
}

TEST(TopicConfigTest, ParsesEveryKnownKey) {
  auto c = ApplyTopicConfigs(LogConfig{}, {{"retention.ms", "3600000"},
                                           {"retention.bytes", "-1"},
                                           {"segment.bytes", "1048576"},
                                           {"segment.ms", "60000"},
                                           {"max.message.bytes", "2048"},
                                           {"flush.policy", "interval"},
                                           {"flush.ms", "250"},
                                           {"index.interval.bytes", "512"},
                                           {"cleanup.policy", "delete"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->retention_ms, 3600000);
  EXPECT_EQ(c->retention_bytes, -1);
  EXPECT_EQ(c->segment_bytes, 1048576);
  EXPECT_EQ(c->segment_ms, 60000);
  EXPECT_EQ(c->max_message_bytes, 2048);
  EXPECT_EQ(c->flush_policy, FlushPolicy::kInterval);
  EXPECT_EQ(c->flush_interval_ms, 250);
  EXPECT_EQ(c->index_interval_bytes, 512);
}

void ExpectRejected(const TopicConfigs& configs, absl::string_view needle) {
  auto c = ApplyTopicConfigs(LogConfig{}, configs);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(needle), absl::string_view::npos)
      << c.status();
}

TEST(TopicConfigTest, RejectsUnknownKeyListingSupportedOnes) {
  ExpectRejected({{"retention.msec", "1"}}, "unknown topic config");
  ExpectRejected({{"compression.type", "lz4"}}, "supported: cleanup.policy");
}

TEST(TopicConfigTest, RejectsBadValuesNamingTheKey) {
  ExpectRejected({{"retention.ms", "soon"}}, "retention.ms");
  ExpectRejected({{"retention.ms", "-2"}}, "retention.ms");
  ExpectRejected({{"retention.ms", "99999999999999999999999"}}, "retention.ms");
  ExpectRejected({{"segment.bytes", "100"}}, "segment.bytes");
  ExpectRejected({{"segment.bytes", "4294967296"}}, "segment.bytes");
  ExpectRejected({{"segment.ms", "0"}}, "segment.ms");
  ExpectRejected({{"max.message.bytes", "-5"}}, "max.message.bytes");
  ExpectRejected({{"flush.ms", "0"}}, "flush.ms");
  ExpectRejected({{"flush.policy", "always"}}, "flush.policy");
  ExpectRejected({{"cleanup.policy", "compact"}}, "only \"delete\"");
  ExpectRejected({{"index.interval.bytes", ""}}, "index.interval.bytes");
  ExpectRejected({{"segment.ms", "12abc"}}, "not an integer");
}

TEST(TopicConfigTest, ValidatesBrokerDefaults) {
  LogConfig c;
  EXPECT_TRUE(ValidateLogConfig(c).ok());
  c.segment_bytes = 10;
  EXPECT_EQ(ValidateLogConfig(c).code(), absl::StatusCode::kInvalidArgument);
}

TEST(TopicConfigTest, FlushPolicyNamesRoundTrip) {
  for (FlushPolicy p : {FlushPolicy::kPerWrite, FlushPolicy::kInterval}) {
    auto parsed = ParseFlushPolicy(FlushPolicyName(p));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, p);
  }
}

}  // namespace
}  // namespace rtai::broker
