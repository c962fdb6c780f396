// JsonWriter, ParseExposition and QueryParam: the dashboard's text plumbing,
// with hostile input (escapes, invalid UTF-8, malformed exposition lines).
#include <cmath>
#include <limits>

#include "base/metrics/registry.h"
#include "cli/http/dashboard_endpoints.h"
#include "cli/http/json_writer.h"
#include "cli/http/metrics_snapshot.h"
#include "gtest/gtest.h"

namespace rtai::cli {
namespace {

TEST(JsonWriterTest, NestsAndSeparates) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().Int(2).String("x").Null().EndArray();
  w.Key("c").BeginObject().EndObject().Key("d").Bool(false).Key("e").Raw("{\"k\":1}").EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":[2,"x",null],"c":{},"d":false,"e":{"k":1}})");
}

TEST(JsonWriterTest, EscapesControlQuotesAndScriptEnd) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\x01</script>"),
            R"("a\"b\\c\nd\te\u0001\u003c/script>")");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8KeepsValid) {
  EXPECT_EQ(JsonQuote("\xc3\xa9"), "\"\xc3\xa9\"");             // é kept
  EXPECT_EQ(JsonQuote("a\xff" "b"), R"("a\ufffdb")");            // stray byte
  EXPECT_EQ(JsonQuote("\xc3"), R"("\ufffd")");                    // truncated
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(JsonQuote("\xc0\xaf"), R"("\ufffd\ufffd")");          // overlong
}

TEST(JsonWriterTest, NonFiniteDoublesAreNull) {
  JsonWriter w;
  w.BeginArray().Double(1.5).Double(std::numeric_limits<double>::infinity()).Double(NAN).EndArray();
  EXPECT_EQ(w.str(), "[1.5,null,null]");
}

TEST(MetricsSnapshotTest, ReadsBackHostileLabelValuesFromRegistry) {
  metrics::Registry registry;
  const std::string hostile = "q\"uo\\te\nnew}{,=";
  registry.CounterFamily("rtai_x_total", "X.", {"topic", "code"})
      ->WithLabels({hostile, "OK"})
      ->Increment(7);
  registry.AddGauge("rtai_y", "Y.")->Set(-3);
  registry.AddHistogram("rtai_z_seconds", "Z.", {1000, 2000}, 1e-9)->Observe(1500);
  auto samples = ParseExposition(registry.RenderText());
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(samples->size(), 1u + 1u + 5u);  // counter, gauge, 3 buckets + sum + count
  const MetricSample& c = (*samples)[0];
  EXPECT_EQ(c.name, "rtai_x_total");
  EXPECT_EQ(c.Label("topic"), hostile);
  EXPECT_EQ(c.Label("code"), "OK");
  EXPECT_EQ(c.Label("missing"), "");
  EXPECT_EQ(c.value, 7);
  EXPECT_EQ((*samples)[1].value, -3);
  EXPECT_EQ((*samples)[4].Label("le"), "+Inf");
  EXPECT_EQ((*samples)[4].value, 1);
  EXPECT_DOUBLE_EQ((*samples)[5].value, 1.5e-6);  // _sum in seconds

  auto only = ParseExposition(registry.RenderText(), "rtai_y");
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].name, "rtai_y");
}

TEST(MetricsSnapshotTest, SpecialValuesAndTimestamps) {
  auto s = ParseExposition("a +Inf\nb -Inf\nc NaN\nd 1.5 1700000000000\n");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_TRUE(std::isinf((*s)[0].value) && (*s)[0].value > 0);
  EXPECT_TRUE(std::isinf((*s)[1].value) && (*s)[1].value < 0);
  EXPECT_TRUE(std::isnan((*s)[2].value));
  EXPECT_EQ((*s)[3].value, 1.5);
}

TEST(MetricsSnapshotTest, MalformedLinesAreErrorsNamingTheLine) {
  for (const char* bad : {"x{a=\"1\" 2", "x{a=\"1} 2", "x{a=1} 2", "x{a=\"\\q\"} 1", "x", "x abc",
                          "x 1e999", "{a=\"1\"} 2", "9x 1", "x{=\"1\"} 1", "x{a=\"1\"}"}) {
    auto s = ParseExposition(std::string("# ok\nfine 1\n") + bad + "\n");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.status().message().find("line 3"), std::string_view::npos) << s.status();
  }
}

TEST(MetricsSnapshotTest, BoundedSampleCount) {
  std::string text;
  for (int i = 0; i < 11; ++i) text += "m 1\n";
  EXPECT_TRUE(ParseExposition(text, "", 11).ok());
  EXPECT_EQ(ParseExposition(text, "", 10).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(QueryParamTest, FindsExactKeys) {
  EXPECT_EQ(QueryParam("id=job-1", "id"), "job-1");
  EXPECT_EQ(QueryParam("x=1&id=job-2&y", "id"), "job-2");
  EXPECT_EQ(QueryParam("idx=3&id", "id"), "");
  EXPECT_EQ(QueryParam("idx=3", "id"), "");
  EXPECT_EQ(QueryParam("", "id"), "");
}

}  // namespace
}  // namespace rtai::cli
