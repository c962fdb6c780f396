#include "broker/topic/topic_name.h"

#include <string>

#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

TEST(TopicNameTest, AcceptsKafkaLegalNames) {
  for (const char* name :
       {"a", "orders", "Orders.v2", "a_b-c.d", "0", "...", "x..y"}) {
    EXPECT_TRUE(ValidateTopicName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateTopicName(std::string(249, 'x')).ok());
}

TEST(TopicNameTest, RejectsEmptyDotAndDotDot) {
  EXPECT_EQ(ValidateTopicName("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTopicName(".").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTopicName("..").code(), absl::StatusCode::kInvalidArgument);
}

TEST(TopicNameTest, RejectsTooLong) {
  absl::Status s = ValidateTopicName(std::string(250, 'x'));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("249"), absl::string_view::npos) << s;
}

TEST(TopicNameTest, RejectsIllegalCharactersNamingThem) {
  for (const char* name : {"a/b", "a b", "../etc", "t\n", "a:b", "ü", "a*"}) {
    absl::Status s = ValidateTopicName(name);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_NE(s.message().find("illegal character"), absl::string_view::npos);
  }
  EXPECT_FALSE(ValidateTopicName(std::string("a\0b", 3)).ok());
}

}  // namespace
}  // namespace rtai::broker
