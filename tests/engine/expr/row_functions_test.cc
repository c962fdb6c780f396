#include "engine/expr/row_functions.h"

#include <memory>
#include <string>

#include "engine/record/key_encoding.h"
#include "gtest/gtest.h"

namespace rtai::engine::expr {
namespace {

Schema BidSchema() {
  return *Schema::Create({{"auction", TypeId::kInt64},
                          {"bidder", TypeId::kInt64},
                          {"price", TypeId::kInt64},
                          {"channel", TypeId::kString},
                          {"date_time", TypeId::kTimestamp}});
}

void AddBid(RowBatch& b, int64_t auction, int64_t bidder, int64_t price,
            std::string_view channel) {
  Value* r = b.AddRow();
  r[0] = Value::Int64(auction);
  r[1] = Value::Int64(bidder);
  r[2] = price < 0 ? Value::Null(TypeId::kInt64) : Value::Int64(price);
  r[3] = Value::String(b.CopyBytes(channel));
  r[4] = Value::Timestamp(1700000000000 + auction);
}

TEST(RowFunctionsTest, FilterKeepsTrueRowsLikeNexmarkQ2) {
  Schema schema = BidSchema();
  RowBatch in(&schema);
  AddBid(in, 123, 1, 10, "a");
  AddBid(in, 124, 2, 20, "b");
  AddBid(in, 246, 3, -1, "c");  // null price does not matter here
  AddBid(in, 0, 4, 40, "d");
  auto filter = Filter::Compile("auction % 123 = 0", schema);
  ASSERT_TRUE(filter.ok());
  RowBatch out(&schema);
  EXPECT_EQ(filter->Apply(in, &out), 3u);
  ASSERT_EQ(out.num_rows(), 3u);
  EXPECT_EQ(out.at(0, 0), Value::Int64(123));
  EXPECT_EQ(out.at(1, 0), Value::Int64(246));
  EXPECT_EQ(out.at(1, 2), Value::Null(TypeId::kInt64));
  EXPECT_EQ(out.at(2, 3).str(), "d");
  auto null_filter = Filter::Compile("price > 15", schema);
  RowBatch out2(&schema);
  EXPECT_EQ(null_filter->Apply(in, &out2), 2u);  // null price counts as false
  EXPECT_EQ(
      std::string(Filter::Compile("price + 1", schema).status().message()),
      "filter predicate must be bool, got int64");
}

TEST(RowFunctionsTest, ProjectionComputesTypedColumnsLikeNexmarkQ1) {
  Schema schema = BidSchema();
  auto proj = Projection::Compile({{"auction", "auction"},
                                   {"price_eur", "price * 0.908"},
                                   {"channel", "upper(channel)"},
                                   {"day", "date_time - cast(0 as timestamp)"}},
                                  schema);
  ASSERT_TRUE(proj.ok()) << proj.status();
  EXPECT_EQ(proj->output_schema().DebugString(),
            "auction:int64, price_eur:double, channel:string, day:int64");
  RowBatch out(&proj->output_schema());
  {
    RowBatch in(&schema);
    AddBid(in, 1, 2, 1000, "web");
    AddBid(in, 3, 4, -1, "app");
    proj->Apply(in, &out);
  }  // the input and its arena are gone; the output owns its strings
  ASSERT_EQ(out.num_rows(), 2u);
  EXPECT_EQ(out.at(0, 1), Value::Double(908));
  EXPECT_EQ(out.at(0, 2).str(), "WEB");
  EXPECT_EQ(out.at(1, 1), Value::Null(TypeId::kDouble));
  EXPECT_EQ(out.at(1, 2).str(), "APP");
  EXPECT_EQ(out.at(1, 3), Value::Int64(1700000000003));
}

TEST(RowFunctionsTest, ProjectionErrorsNameTheOutput) {
  Schema schema = BidSchema();
  EXPECT_EQ(
      std::string(
          Projection::Compile({{"x", "pricee"}}, schema).status().message()),
      "output `x`: column 1: unknown column `pricee`");
  EXPECT_EQ(
      std::string(
          Projection::Compile({{"x", "null"}}, schema).status().message()),
      "output `x` is always null; give it a type with cast(... as T)");
  EXPECT_TRUE(Projection::Compile({{"x", "cast(null as int)"}}, schema).ok());
  EXPECT_FALSE(
      Projection::Compile({{"x", "price"}, {"x", "bidder"}}, schema).ok());
}

TEST(RowFunctionsTest, KeySelectorEncodesCompositeKeys) {
  Schema schema = BidSchema();
  auto keys = KeySelector::Compile({"auction", "lower(channel)"}, schema);
  ASSERT_TRUE(keys.ok());
  RowBatch in(&schema);
  AddBid(in, 7, 1, 10, "Web");
  AddBid(in, 7, 2, 20, "WEB");
  AddBid(in, 8, 3, 30, "web");
  std::string k0, k1, k2;
  keys->KeyOf(in.row(0), &k0);
  keys->KeyOf(in.row(1), &k1);
  keys->KeyOf(in.row(2), &k2);
  EXPECT_EQ(k0, k1);
  EXPECT_NE(k0, k2);
  const Value expected[] = {Value::Int64(7), Value::String("web")};
  std::string direct;
  EncodeKey(expected, 2, &direct);
  EXPECT_EQ(k0, direct);
  EXPECT_EQ(
      std::string(
          KeySelector::Compile({"auction", "nope"}, schema).status().message()),
      "key 2: column 1: unknown column `nope`");
  EXPECT_FALSE(KeySelector::Compile({}, schema).ok());
}

}  // namespace
}  // namespace rtai::engine::expr
