// Job graphs and model references never name server file paths: node
// configs are closed (unknown fields are rejected), there is no file
// source or sink operator, and model references are registry names only
// (artifacts live under <data_dir>/models/blobs/<sha256>, see
// tests/engine/ml/model_registry_test.cc).

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_replace.h"
#include "engine/graph/validator.h"
#include "engine/ml/registry/model_ref.h"

namespace rtai {
namespace {

constexpr char kGraph[] = R"({
  "version": 1, "name": "paths",
  "schemas": [{"name": "bid", "fields": [{"name": "auction", "type": "int64"},
                                         {"name": "ts", "type": "timestamp"}]}],
  "nodes": [
    {"uid": "src", "operator": "broker_source",
     "config": {"topic": "bids", "schema": "bid", "event_time": "ts" SRC_EXTRA}},
    {"uid": "out", "operator": "SINK_OP", "config": {"topic": "results" SINK_EXTRA}}],
  "edges": [{"from": "src", "to": "out"}]
})";

std::string Graph(const std::string& src_extra, const std::string& sink_op,
                  const std::string& sink_extra) {
  return absl::StrReplaceAll(kGraph, {{"SRC_EXTRA", src_extra},
                                      {"SINK_OP", sink_op},
                                      {"SINK_EXTRA", sink_extra}});
}

TEST(JobGraphPathsTest, ControlGraphIsValid) {
  auto ok =
      engine::graph::ParseAndValidateJobGraph(Graph("", "broker_sink", ""));
  ASSERT_TRUE(ok.ok()) << ok.status();
}

TEST(JobGraphPathsTest, GraphNamingAServerPathIsRejected) {
  struct Case {
    std::string src_extra, sink_op, sink_extra, expect;
  } cases[] = {
      {R"(, "path": "/etc/passwd")", "broker_sink", "",
       "unknown config field `path`"},
      {"", "broker_sink", R"(, "file": "/tmp/out.json")",
       "unknown config field `file`"},
      {R"(, "checkpoint_dir": "/var/lib")", "broker_sink", "",
       "checkpoint_dir"},
      {"", "file_sink", R"(, "path": "/tmp/x")", "file_sink"},
  };
  for (const Case& c : cases) {
    auto r = engine::graph::ParseAndValidateJobGraph(
        Graph(c.src_extra, c.sink_op, c.sink_extra));
    ASSERT_FALSE(r.ok()) << c.src_extra << c.sink_op << c.sink_extra;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(r.status().message()).find(c.expect),
              std::string::npos)
        << r.status();
  }
}

TEST(JobGraphPathsTest, ModelReferencesAreNamesNotPaths) {
  for (const char* bad :
       {"/etc/passwd", "../../etc/passwd", "models/blobs/abc", "./m", "m/../x",
        "C:\\model", "~/model", "file:///etc/passwd"}) {
    EXPECT_FALSE(ml::ParseModelRef(bad).ok()) << bad;
  }
  EXPECT_TRUE(ml::ParseModelRef("fraud@3").ok());
}

}  // namespace
}  // namespace rtai
