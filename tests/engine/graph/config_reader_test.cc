#include "engine/graph/config_reader.h"

#include "gtest/gtest.h"

namespace rtai::engine::graph {
namespace {

google::protobuf::Struct Make() {
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["i"].set_number_value(42);
  f["big"].set_number_value(1e300);
  f["s"].set_string_value("x");
  f["b"].set_bool_value(true);
  f["n"].set_null_value(google::protobuf::NULL_VALUE);
  auto* list = f["l"].mutable_list_value();
  list->add_values()->set_string_value("a");
  list->add_values()->set_number_value(1);
  return s;
}

TEST(ConfigReaderTest, TypedAccessWithPreciseErrors) {
  const auto s = Make();
  ConfigReader r("ctx", &s);
  EXPECT_EQ(*r.Int("i"), 42);
  EXPECT_EQ(r.Int("big").status().message(), "ctx: config field `big` must be an integer, got 1e+300");
  EXPECT_EQ(*r.String("s"), "x");
  EXPECT_EQ(*r.Bool("b", false), true);
  EXPECT_EQ(*r.Int("n", 7), 7);  // null counts as absent
  EXPECT_EQ(r.Int("missing").status().message(), "ctx: config field `missing` is required");
  EXPECT_EQ(r.StringList("l", true).status().message(),
            "ctx: config field `l` [1] must be a string, got number");
  EXPECT_TRUE(r.Finish().ok());
}

TEST(ConfigReaderTest, FinishNamesUnreadField) {
  const auto s = Make();
  ConfigReader r("ctx", &s);
  (void)r.Int("i");
  EXPECT_EQ(r.Finish().message(), "ctx: unknown config field `b`");
  ConfigReader empty("ctx", nullptr);
  EXPECT_EQ(empty.String("x").status().message(), "ctx: config field `x` is required");
  EXPECT_TRUE(empty.Finish().ok());
}

}  // namespace
}  // namespace rtai::engine::graph
