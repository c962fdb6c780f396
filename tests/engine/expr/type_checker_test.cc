#include "engine/expr/type_checker.h"

#include <string>

#include "engine/expr/expression.h"
#include "gtest/gtest.h"

namespace rtai::engine::expr {
namespace {

Schema TestSchema() {
  return *Schema::Create({{"i", TypeId::kInt64},
                          {"d", TypeId::kDouble},
                          {"s", TypeId::kString},
                          {"b", TypeId::kBool},
                          {"t", TypeId::kTimestamp},
                          {"y", TypeId::kBytes}});
}

// The result type name, or the error.
std::string TypeOf(std::string_view src) {
  auto e = Expression::Compile(src, TestSchema());
  if (!e.ok()) return "ERROR " + std::string(e.status().message());
  return std::string(TypeName((*e)->result_type()));
}

TEST(TypeCheckerTest, ResultTypes) {
  EXPECT_EQ(TypeOf("i + 1"), "int64");
  EXPECT_EQ(TypeOf("i + d"), "double");
  EXPECT_EQ(TypeOf("i / 2"), "int64");
  EXPECT_EQ(TypeOf("t + 1000"), "timestamp");
  EXPECT_EQ(TypeOf("t - t"), "int64");
  EXPECT_EQ(TypeOf("i < d and s = 'x'"), "bool");
  EXPECT_EQ(TypeOf("null"), "null");
  EXPECT_EQ(TypeOf("i + null"), "int64");
  EXPECT_EQ(TypeOf("if(b, i, d)"), "double");
  EXPECT_EQ(TypeOf("if(b, s, null)"), "string");
  EXPECT_EQ(TypeOf("coalesce(null, i, 2)"), "int64");
  EXPECT_EQ(TypeOf("length(y)"), "int64");
  EXPECT_EQ(TypeOf("round(d)"), "double");
  EXPECT_EQ(TypeOf("floor(i)"), "int64");
  EXPECT_EQ(TypeOf("sqrt(i)"), "double");
  EXPECT_EQ(TypeOf("max(i, d, 3)"), "double");
  EXPECT_EQ(TypeOf("cast(s as timestamp)"), "timestamp");
  EXPECT_EQ(TypeOf("y is null"), "bool");
}

TEST(TypeCheckerTest, PreciseErrors) {
  EXPECT_EQ(TypeOf("pirce * 2"), "ERROR column 1: unknown column `pirce`");
  EXPECT_EQ(TypeOf("I + 1"), "ERROR column 1: unknown column `I`");
  EXPECT_EQ(TypeOf("s + 1"),
            "ERROR column 3: cannot apply `+` to string and int64");
  EXPECT_EQ(TypeOf("1 - t"),
            "ERROR column 3: cannot apply `-` to int64 and timestamp");
  EXPECT_EQ(TypeOf("t * 2"),
            "ERROR column 3: cannot apply `*` to timestamp and int64");
  EXPECT_EQ(TypeOf("t + 1.5"),
            "ERROR column 3: cannot apply `+` to timestamp and double");
  EXPECT_EQ(TypeOf("s < 1"),
            "ERROR column 3: cannot compare string and int64 with `<`");
  EXPECT_EQ(TypeOf("i and b"),
            "ERROR column 3: `and` expects bool operands, got int64 and bool");
  EXPECT_EQ(TypeOf("not s"), "ERROR column 1: `not` expects bool, got string");
  EXPECT_EQ(TypeOf("-s"), "ERROR column 1: cannot negate string");
  EXPECT_EQ(TypeOf("substr(s)"),
            "ERROR column 1: function substr expects 2 to 3 arguments, got 1");
  EXPECT_EQ(TypeOf("lower(s, s)"),
            "ERROR column 1: function lower expects 1 argument, got 2");
  EXPECT_EQ(TypeOf("lower(i)"),
            "ERROR column 1: argument 1 of lower must be string, got int64");
  EXPECT_EQ(TypeOf("frobnicate(i)"),
            "ERROR column 1: unknown function `frobnicate`");
  EXPECT_EQ(TypeOf("if(i, 1, 2)"),
            "ERROR column 1: argument 1 of if must be bool, got int64");
  EXPECT_EQ(TypeOf("if(b, s, 2)"),
            "ERROR column 1: arguments of if have incompatible types string "
            "and int64");
  EXPECT_EQ(TypeOf("cast(y as double)"),
            "ERROR column 1: cannot cast bytes to double");
  EXPECT_EQ(TypeOf("i = 1 and  s + s = 'a'"),
            "ERROR column 14: cannot apply `+` to string and string");
}

}  // namespace
}  // namespace rtai::engine::expr
