#include "engine/graph/validator.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace rtai::engine::graph {
namespace {

using ::testing::HasSubstr;

// A Nexmark-like job: source -> filter -> map -> keyed tumbling window -> sink,
// plus the window's late side output to a second sink.
constexpr char kGoodJob[] = R"({
  "version": 1,
  "name": "bids-per-auction",
  "default_parallelism": 2,
  "schemas": [{"name": "bid", "fields": [
      {"name": "auction", "type": "int64"}, {"name": "bidder", "type": "int64"},
      {"name": "price", "type": "int64"}, {"name": "channel", "type": "string"},
      {"name": "ts", "type": "timestamp"}]}],
  "watermark": {"max_out_of_orderness_ms": 4000, "idle_timeout_ms": 10000},
  "checkpoint": {"interval_ms": 5000},
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "bids", "schema": "bid",
     "event_time": "ts", "dead_letter_topic": "bids-dlq"}},
    {"uid": "cheap", "operator": "filter", "config": {"predicate": "price < 1000"}},
    {"uid": "euro", "operator": "map", "config": {"fields": [
      {"name": "auction", "expr": "auction"}, {"name": "ts", "expr": "ts"},
      {"name": "eur", "expr": "price * 0.908"}]}},
    {"uid": "win", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 10000},
      "key": ["auction"], "allowed_lateness_ms": 1000,
      "aggregates": [{"name": "n", "fn": "count"}, {"name": "top", "fn": "max", "expr": "eur"},
                     {"name": "avg", "fn": "avg", "expr": "eur"}]}},
    {"uid": "out", "operator": "broker_sink", "config": {"topic": "results", "key": "auction"}},
    {"uid": "late", "operator": "blackhole_sink", "parallelism": 1}
  ],
  "edges": [
    {"from": "src", "to": "cheap"}, {"from": "cheap", "to": "euro"},
    {"from": "euro", "to": "win"}, {"from": "win", "to": "out"},
    {"from": "win", "to": "late", "output": "late"}
  ]
})";

std::string Replace(const std::string& from, const std::string& to) {
  std::string job = kGoodJob;
  const size_t pos = job.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) job.replace(pos, from.size(), to);
  return job;
}

std::string ErrorOf(const std::string& json) {
  auto g = ParseAndValidateJobGraph(json);
  EXPECT_FALSE(g.ok());
  if (g.ok()) return "";
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(g.status().message());
}

TEST(ValidatorTest, AcceptsGoodJobAndResolvesSchemasAndEdges) {
  auto g = ParseAndValidateJobGraph(kGoodJob);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->nodes.size(), 6u);
  EXPECT_EQ(g->nodes[0].uid, "src");
  const ResolvedNode& win = g->nodes[3];
  EXPECT_EQ(win.uid, "win");
  EXPECT_EQ(win.output->DebugString(),
            "auction:int64, window_start:timestamp, window_end:timestamp, n:int64, "
            "top:double, avg:double");
  EXPECT_EQ(win.side_outputs.at("late")->DebugString(), "auction:int64, ts:timestamp, eur:double");
  EXPECT_EQ(g->nodes[1].output->num_fields(), 5u);
  EXPECT_EQ(g->nodes[4].output, nullptr);
  // Equal parallelism -> FORWARD; a keyed window with parallelism 2 -> HASH on its key.
  EXPECT_EQ(g->edges[0].partitioning, job::FORWARD);
  EXPECT_EQ(g->edges[2].partitioning, job::HASH);
  EXPECT_EQ(g->edges[2].key, std::vector<std::string>{"auction"});
  // Parallelism 2 -> 1 without a hint -> REBALANCE.
  EXPECT_EQ(g->edges[4].partitioning, job::REBALANCE);
  EXPECT_EQ(g->max_out_of_orderness_ms, 4000);
  EXPECT_EQ(g->idle_timeout_ms, 10000);
  EXPECT_EQ(g->max_parallelism, 128);
}

TEST(ValidatorTest, JsonRoundTripIsStable) {
  auto g = ParseJobGraphJson(kGoodJob);
  ASSERT_TRUE(g.ok()) << g.status();
  const std::string json = JobGraphToJson(*g);
  auto again = ParseJobGraphJson(json);
  ASSERT_TRUE(again.ok()) << again.status() << json;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*g, *again));
  EXPECT_THAT(json, HasSubstr("\"max_out_of_orderness_ms\""));
}

TEST(ValidatorTest, RejectsMalformedJsonAndUnknownTopLevelFields) {
  EXPECT_THAT(ErrorOf("{\"version\": 1,"), HasSubstr("job graph JSON"));
  EXPECT_THAT(ErrorOf(Replace("\"default_parallelism\"", "\"default_paralelism\"")),
              HasSubstr("default_paralelism"));
}

TEST(ValidatorTest, RejectsUnknownOperatorAndVersion) {
  EXPECT_THAT(ErrorOf(Replace("\"operator\": \"filter\"", "\"operator\": \"filtre\"")),
              HasSubstr("node `cheap`: unknown operator `filtre` (known: blackhole_sink"));
  EXPECT_THAT(ErrorOf(Replace("\"operator\": \"filter\"",
                              "\"operator\": \"filter\", \"operator_version\": 7")),
              HasSubstr("node `cheap`: operator filter has no version 7 (latest is 1)"));
}

TEST(ValidatorTest, RejectsMissingIllTypedAndUnknownConfigFields) {
  EXPECT_EQ(ErrorOf(Replace("\"predicate\": \"price < 1000\"", "\"pred\": \"price < 1000\"")),
            "node `cheap` (filter): config field `predicate` is required");
  EXPECT_EQ(ErrorOf(Replace("\"predicate\": \"price < 1000\"", "\"predicate\": 5")),
            "node `cheap` (filter): config field `predicate` must be a string, got number");
  EXPECT_EQ(ErrorOf(Replace("\"size_ms\": 10000", "\"size_ms\": \"10s\"")),
            "node `win` (window_aggregate): window: config field `size_ms` must be an "
            "integer, got string");
  EXPECT_EQ(ErrorOf(Replace("\"size_ms\": 10000", "\"size_ms\": 1.5")),
            "node `win` (window_aggregate): window: config field `size_ms` must be an "
            "integer, got 1.5");
  EXPECT_EQ(ErrorOf(Replace("\"size_ms\": 10000", "\"size_ms\": -5")),
            "node `win` (window_aggregate): window: config field `size_ms` must be in "
            "[1, 31622400000], got -5");
  EXPECT_EQ(ErrorOf(Replace("\"allowed_lateness_ms\": 1000", "\"allowed_latenes_ms\": 1000")),
            "node `win` (window_aggregate): unknown config field `allowed_latenes_ms`");
  EXPECT_EQ(ErrorOf(Replace("\"type\": \"tumbling\"", "\"type\": \"hopping\"")),
            "node `win` (window_aggregate): window: config field `type` must be tumbling, "
            "sliding, session or count, got \"hopping\"");
  EXPECT_THAT(ErrorOf(Replace("\"fn\": \"max\"", "\"fn\": \"median\"")),
              HasSubstr("aggregates[1]: config field `fn` unknown aggregate `median`"));
  EXPECT_EQ(ErrorOf(Replace("\"topic\": \"bids\",", "\"topic\": \"bids\", \"start\": \"middle\",")),
            "node `src` (broker_source): config field `start` must be \"earliest\", "
            "\"latest\" or \"committed\", got \"middle\"");
}

TEST(ValidatorTest, RejectsUnknownColumnsAndTypeErrorsInExpressions) {
  EXPECT_EQ(ErrorOf(Replace("price < 1000", "pirce < 1000")),
            "node `cheap` (filter): config field `predicate` `pirce < 1000`: column 1: "
            "unknown column `pirce`");
  EXPECT_EQ(ErrorOf(Replace("price < 1000", "price + 1")),
            "node `cheap` (filter): config field `predicate` `price + 1` must be bool, got int64");
  // The map dropped `price`: the window's aggregate must see the map's output schema.
  EXPECT_THAT(ErrorOf(Replace("\"expr\": \"eur\"}", "\"expr\": \"price\"}")),
              HasSubstr("aggregates[1]: config field `expr` `price`: column 1: unknown column "
                        "`price`"));
  EXPECT_THAT(ErrorOf(Replace("\"key\": [\"auction\"]", "\"key\": [\"bidder\"]")),
              HasSubstr("config field `key` names unknown column `bidder`"));
  EXPECT_THAT(ErrorOf(Replace("\"fn\": \"avg\", \"expr\": \"eur\"",
                              "\"fn\": \"avg\", \"expr\": \"cast(ts as string)\"")),
              HasSubstr("avg cannot aggregate string"));
  EXPECT_THAT(ErrorOf(Replace("\"event_time\": \"ts\"", "\"event_time\": \"channel\"")),
              HasSubstr("column `channel` must be timestamp or int64, not string"));
  EXPECT_THAT(ErrorOf(Replace("\"schema\": \"bid\"", "\"schema\": \"bids\"")),
              HasSubstr("config field `schema` names unknown event schema `bids`"));
  EXPECT_THAT(ErrorOf(Replace("\"type\": \"string\"", "\"type\": \"varchar2\"")),
              HasSubstr("schema `bid`: field `channel`: unknown type `varchar2`"));
}

TEST(ValidatorTest, RejectsStructuralErrors) {
  EXPECT_EQ(ErrorOf(Replace("{\"from\": \"src\", \"to\": \"cheap\"}",
                            "{\"from\": \"src\", \"to\": \"chaep\"}")),
            "edges[0]: `to` names unknown node `chaep`");
  EXPECT_EQ(ErrorOf(Replace("\"uid\": \"euro\"", "\"uid\": \"cheap\"")),
            "nodes[2]: duplicate uid `cheap`");
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"win\", \"to\": \"out\"}",
                              "{\"from\": \"win\", \"to\": \"out\"}, {\"from\": \"euro\", "
                              "\"to\": \"cheap\"}")),
              HasSubstr("cycle through nodes `cheap`, `euro`"));
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"src\", \"to\": \"cheap\"}",
                              "{\"from\": \"cheap\", \"to\": \"cheap\"}")),
              HasSubstr("cycle through nodes `cheap`"));
  EXPECT_EQ(ErrorOf(Replace("\"parallelism\": 1}", "\"parallelism\": 5000}")),
            "node `late`: parallelism must be in [1, 128], got 5000");
  EXPECT_EQ(ErrorOf(Replace("\"default_parallelism\": 2", "\"default_parallelism\": 200")),
            "default_parallelism: must be in [1, 128], got 200");
  EXPECT_EQ(ErrorOf(Replace("\"output\": \"late\"", "\"output\": \"tardy\"")),
            "edges[4]: node `win` (window_aggregate) has no output `tardy`");
  EXPECT_EQ(ErrorOf(Replace(", {\"from\": \"win\", \"to\": \"out\"}", "")),
            "node `out` (broker_sink): needs at least 1 input edge(s), got 0");
  EXPECT_EQ(ErrorOf(Replace("\"uid\": \"src\"", "\"uid\": \"bad uid!\"")),
            "nodes[0]: uid `bad uid!` must be 1..64 characters of [A-Za-z0-9_.-]");
  EXPECT_EQ(ErrorOf(Replace("\"version\": 1", "\"version\": 2")), "version: must be 1, got 2");
  EXPECT_EQ(ErrorOf(Replace("\"interval_ms\": 5000", "\"interval_ms\": 5")),
            "checkpoint.interval_ms: must be 0 (off) or >= 100, got 5");
  EXPECT_THAT(ErrorOf(Replace("\"max_out_of_orderness_ms\": 4000",
                              "\"max_out_of_orderness_ms\": -1")),
              HasSubstr("must be >= 0"));
}

TEST(ValidatorTest, RejectsBadPartitioning) {
  // A keyed parallel window fed by REBALANCE would split keys across subtasks.
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"euro\", \"to\": \"win\"}",
                              "{\"from\": \"euro\", \"to\": \"win\", \"partitioning\": "
                              "\"REBALANCE\"}")),
              HasSubstr("needs a HASH edge on its key"));
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"win\", \"to\": \"late\", \"output\": \"late\"}",
                              "{\"from\": \"win\", \"to\": \"late\", \"output\": \"late\", "
                              "\"partitioning\": \"FORWARD\"}")),
              HasSubstr("FORWARD needs equal parallelism, got 2 and 1"));
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"src\", \"to\": \"cheap\"}",
                              "{\"from\": \"src\", \"to\": \"cheap\", \"partitioning\": \"HASH\", "
                              "\"key\": [\"nope\"]}")),
              HasSubstr("edges[0] (src -> cheap): key `nope`: column 1: unknown column `nope`"));
  EXPECT_THAT(ErrorOf(Replace("{\"from\": \"src\", \"to\": \"cheap\"}",
                              "{\"from\": \"src\", \"to\": \"cheap\", \"partitioning\": \"SPRAY\"}")),
              HasSubstr("job graph JSON"));
}

TEST(ValidatorTest, RejectsDanglingOutputAndUnionOfDifferentSchemas) {
  EXPECT_THAT(ErrorOf(Replace(", {\"from\": \"win\", \"to\": \"out\"}",
                              ", {\"from\": \"cheap\", \"to\": \"out\"}")),
              HasSubstr("node `win` (window_aggregate): its output is not connected"));
  const std::string u = Replace(
      "{\"uid\": \"out\", \"operator\": \"broker_sink\"",
      "{\"uid\": \"u\", \"operator\": \"union\"}, {\"uid\": \"out\", \"operator\": \"broker_sink\"");
  std::string job = absl::StrReplaceAll(
      u, {{"{\"from\": \"win\", \"to\": \"out\"}",
           "{\"from\": \"win\", \"to\": \"u\"}, {\"from\": \"cheap\", \"to\": \"u\"}, "
           "{\"from\": \"u\", \"to\": \"out\"}"},
          {"\"key\": \"auction\"", "\"key\": \"1\""}});
  EXPECT_THAT(ErrorOf(job), HasSubstr("node `u` (union): union inputs must have equal schemas"));
}

TEST(ValidatorTest, ParseNeedsAnEncodedColumn) {
  // A raw source feeds parse; parse on a decoded stream has no such column.
  std::string job = Replace("{\"uid\": \"cheap\", \"operator\": \"filter\", \"config\": {\"predicate\": \"price < 1000\"}}",
                            "{\"uid\": \"cheap\", \"operator\": \"parse\", \"config\": {\"schema\": \"bid\"}}");
  EXPECT_EQ(ErrorOf(job), "node `cheap` (parse): config field `column` names unknown column `value`");
  job = Replace("{\"uid\": \"cheap\", \"operator\": \"filter\", \"config\": {\"predicate\": \"price < 1000\"}}",
                "{\"uid\": \"cheap\", \"operator\": \"parse\", \"config\": {\"schema\": \"bid\", \"column\": \"price\"}}");
  EXPECT_EQ(ErrorOf(job), "node `cheap` (parse): config field `column` `price` must be bytes or string, not int64");
}

TEST(ValidatorTest, IntervalJoinChecksKeysBoundsAndColumnNames) {
  const std::string base = R"({"version": 1, "name": "j",
    "schemas": [{"name": "e", "fields": [{"name": "k", "type": "string"}, {"name": "n", "type": "int64"}]}],
    "nodes": [{"uid": "l", "operator": "broker_source", "config": {"topic": "l", "schema": "e"}},
              {"uid": "r", "operator": "broker_source", "config": {"topic": "r", "schema": "e"}},
              {"uid": "j", "operator": "interval_join", "config": CONFIG},
              {"uid": "out", "operator": "blackhole_sink"}],
    "edges": [{"from": "l", "to": "j"}, {"from": "r", "to": "j"}, {"from": "j", "to": "out"}]})";
  auto with = [&](const std::string& config) {
    return absl::StrReplaceAll(base, {{"CONFIG", config}});
  };
  EXPECT_TRUE(ParseAndValidateJobGraph(with(R"({"left_key": ["k"], "right_key": ["k"],
      "lower_bound_ms": -5, "upper_bound_ms": 5, "right_prefix": "r_"})")).ok());
  EXPECT_THAT(ErrorOf(with(R"({"left_key": ["k"], "right_key": ["k"], "lower_bound_ms": -5,
      "upper_bound_ms": 5})")), HasSubstr("output columns: schema field `k` appears twice (set left_prefix / right_prefix)"));
  EXPECT_THAT(ErrorOf(with(R"({"left_key": ["k"], "right_key": ["n"], "lower_bound_ms": -5,
      "upper_bound_ms": 5, "right_prefix": "r_"})")),
              HasSubstr("config field `right_key` column `n` is int64 but `k` is string"));
  EXPECT_THAT(ErrorOf(with(R"({"left_key": ["k"], "right_key": ["k"], "lower_bound_ms": 5,
      "upper_bound_ms": -5, "right_prefix": "r_"})")),
              HasSubstr("config field `lower_bound_ms` must not exceed upper_bound_ms"));
  EXPECT_THAT(ErrorOf(with(R"({"left_key": ["x"], "right_key": ["k"], "lower_bound_ms": 0,
      "upper_bound_ms": 0})")), HasSubstr("config field `left_key` names unknown column `x`"));
}

TEST(ValidatorTest, DocumentedExamplesAreValid) {
  for (const char* name : {"bids_per_auction.json", "sessions_from_two_topics.json"}) {
    std::ifstream in(std::string(RTAI_EXAMPLES_DIR) + "/" + name);
    ASSERT_TRUE(in.good()) << name;
    std::stringstream buf;
    buf << in.rdbuf();
    auto g = ParseAndValidateJobGraph(buf.str());
    EXPECT_TRUE(g.ok()) << name << ": " << g.status();
  }
}

TEST(ValidatorTest, HostileInputNeverCrashes) {
  const std::string good = kGoodJob;
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    auto g = ParseAndValidateJobGraph(good.substr(0, cut));
    EXPECT_FALSE(g.ok());
  }
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseAndValidateJobGraph(deep).ok());
  EXPECT_FALSE(ParseAndValidateJobGraph(std::string(5 << 20, ' ')).ok());
}

}  // namespace
}  // namespace rtai::engine::graph
