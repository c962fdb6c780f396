#include "broker/grpc/partitioner.h"

#include <string>

#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

// Vectors from Kafka's UtilsTest (and kafka-python's murmur2, which agrees).
TEST(PartitionerTest, Murmur2MatchesKafka) {
  EXPECT_EQ(KafkaMurmur2("21"), -973932308);
  EXPECT_EQ(KafkaMurmur2("foobar"), -790332482);
  EXPECT_EQ(KafkaMurmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(KafkaMurmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(KafkaMurmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
            -58897971);
  EXPECT_EQ(KafkaMurmur2("abc"), 479470107);
  EXPECT_EQ(KafkaMurmur2(""), 275646681);
}

TEST(PartitionerTest, PartitionIsPositiveHashModuloCount) {
  // toPositive(-790332482) = -790332482 & 0x7fffffff = 1357151166.
  EXPECT_EQ(KafkaPartitionForKey("foobar", 7), 1357151166 % 7);
  EXPECT_EQ(KafkaPartitionForKey("abc", 10), 479470107 % 10);
  for (int i = 0; i < 1000; ++i) {
    const int32_t p = KafkaPartitionForKey(std::to_string(i), 3);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 3);
  }
  EXPECT_EQ(KafkaPartitionForKey("anything", 1), 0);
}

}  // namespace
}  // namespace rtai::broker
