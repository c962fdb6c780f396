// rtai-cli's hand-written argv parser and --format templates.

#include "cli/args.h"
#include "cli/record_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rtai::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const ArgSpec kSpec{{"partition", "config"}, {"from-beginning"}};

TEST(ArgsTest, ParsesValuesFlagsAndPositionals) {
  auto a = ParseArgs({"t", "--partition", "3", "--config=a=b", "--config",
                      "c=d", "--from-beginning", "extra"},
                     kSpec);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->positional, ElementsAre("t", "extra"));
  EXPECT_EQ(a->Get("partition"), "3");
  EXPECT_THAT(a->GetAll("config"), ElementsAre("a=b", "c=d"));
  EXPECT_TRUE(a->Has("from-beginning"));
  EXPECT_FALSE(a->Has("help"));
  EXPECT_EQ(*a->GetInt("partition", 0), 3);
  EXPECT_EQ(*a->GetInt("missing", 42), 42);
}

TEST(ArgsTest, HelpDashAndDoubleDash) {
  auto a = ParseArgs({"-h", "-", "--", "--partition"}, kSpec);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->Has("help"));
  EXPECT_THAT(a->positional, ElementsAre("-", "--partition"));
}

TEST(ArgsTest, RejectsUnknownMissingAndMalformed) {
  EXPECT_THAT(ParseArgs({"--nope"}, kSpec).status().message(),
              HasSubstr("unknown option --nope"));
  EXPECT_THAT(ParseArgs({"-x"}, kSpec).status().message(),
              HasSubstr("unknown option -x"));
  EXPECT_THAT(ParseArgs({"--partition"}, kSpec).status().message(),
              HasSubstr("needs a value"));
  EXPECT_THAT(ParseArgs({"--from-beginning=1"}, kSpec).status().message(),
              HasSubstr("takes no value"));
  auto a = ParseArgs({"--partition", "x1"}, kSpec);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->GetInt("partition", 0).status().message(),
              HasSubstr("wants an integer"));
}

TEST(RecordFormatTest, ExpandsEveryDirective) {
  v1::FetchedRecord r;
  r.set_key("k");
  r.set_value("v");
  r.set_offset(7);
  r.set_partition(2);
  r.set_timestamp_ms(99);
  auto f = RecordFormat::Parse("%k %v %o %p %t 100%%\\t|\\n\\\\");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->Format(r), "k v 7 2 99 100%\t|\n\\\n");
  v1::FetchedRecord null_key;
  null_key.set_value("only");
  EXPECT_EQ(RecordFormat::Parse("[%k]%v")->Format(null_key), "[]only\n");
}

TEST(RecordFormatTest, RejectsBadTemplates) {
  EXPECT_THAT(RecordFormat::Parse("%x").status().message(),
              HasSubstr("unknown directive %x"));
  EXPECT_THAT(RecordFormat::Parse("abc%").status().message(),
              HasSubstr("lone '%'"));
  EXPECT_THAT(RecordFormat::Parse("\\q").status().message(),
              HasSubstr("unknown escape"));
}

}  // namespace
}  // namespace rtai::cli
