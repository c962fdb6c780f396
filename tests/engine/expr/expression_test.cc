#include "engine/expr/expression.h"

#include <string>

#include "engine/record/row.h"
#include "gtest/gtest.h"

namespace rtai::engine::expr {
namespace {

class ExpressionTest : public ::testing::Test {
 protected:
  ExpressionTest()
      : schema_(*Schema::Create({{"i", TypeId::kInt64},
                                 {"d", TypeId::kDouble},
                                 {"s", TypeId::kString},
                                 {"b", TypeId::kBool},
                                 {"t", TypeId::kTimestamp},
                                 {"y", TypeId::kBytes},
                                 {"ni", TypeId::kInt64},
                                 {"ns", TypeId::kString},
                                 {"nb", TypeId::kBool},
                                 {"nd", TypeId::kDouble}})),
        row_(10) {
    row_[0] = Value::Int64(7);
    row_[1] = Value::Double(2.5);
    row_.SetString(2, "H\xC3\xA9llo World");
    row_[3] = Value::Bool(true);
    row_[4] = Value::Timestamp(1704164645678);
    row_.SetBytes(5, std::string("\x00\xff", 2));
    row_[6] = Value::Null(TypeId::kInt64);
    row_[7] = Value::Null(TypeId::kString);
    row_[8] = Value::Null(TypeId::kBool);
    row_[9] = Value::Null(TypeId::kDouble);
  }

  // The result's DebugString, or the compile error.
  std::string Eval(std::string_view src) {
    auto e = Expression::Compile(src, schema_);
    if (!e.ok()) return "ERROR " + std::string(e.status().message());
    const Value& v = (*e)->Evaluate(row_.data());
    if (!v.is_null()) {
      EXPECT_EQ(v.type(), (*e)->result_type()) << src;
    }
    return v.DebugString();
  }

  Schema schema_;
  Row row_;
};

TEST_F(ExpressionTest, Arithmetic) {
  EXPECT_EQ(Eval("i + 1"), "8");
  EXPECT_EQ(Eval("i * d"), "17.5");
  EXPECT_EQ(Eval("i / 2"), "3");
  EXPECT_EQ(Eval("-i / 2"), "-3");
  EXPECT_EQ(Eval("i % 3"), "1");
  EXPECT_EQ(Eval("-7 % 3"), "-1");
  EXPECT_EQ(Eval("i / 2.0"), "3.5");
  EXPECT_EQ(Eval("d % 1"), "0.5");
  EXPECT_EQ(Eval("1 + 2 * 3 - 4"), "3");
  EXPECT_EQ(Eval("t + 1000"), "ts:1704164646678");
  EXPECT_EQ(Eval("t - cast(0 as timestamp)"), "1704164645678");
}

TEST_F(ExpressionTest, IntegerEdgeCasesGiveNull) {
  EXPECT_EQ(Eval("i / 0"), "null");
  EXPECT_EQ(Eval("i % 0"), "null");
  EXPECT_EQ(Eval("-9223372036854775808 / -1"), "null");
  EXPECT_EQ(Eval("-9223372036854775808 % -1"), "0");
  EXPECT_EQ(Eval("9223372036854775807 + 1"), "null");
  EXPECT_EQ(Eval("-9223372036854775808 - 1"), "null");
  EXPECT_EQ(Eval("4611686018427387904 * 2"), "null");
  EXPECT_EQ(Eval("-(-9223372036854775808)"), "null");
  EXPECT_EQ(Eval("abs(-9223372036854775808)"), "null");
  EXPECT_EQ(Eval("1 / 0.0"), "inf");
  EXPECT_EQ(Eval("sqrt(-1)"), "null");
  EXPECT_EQ(Eval("log(0)"), "null");
  EXPECT_EQ(Eval("pow(-8, 0.5)"), "null");
}

TEST_F(ExpressionTest, NullPropagation) {
  EXPECT_EQ(Eval("ni + 1"), "null");
  EXPECT_EQ(Eval("nd * 2"), "null");
  EXPECT_EQ(Eval("ni = ni"), "null");
  EXPECT_EQ(Eval("null = null"), "null");
  EXPECT_EQ(Eval("lower(ns)"), "null");
  EXPECT_EQ(Eval("concat(s, ns)"), "null");
  EXPECT_EQ(Eval("substr(s, ni)"), "null");
  EXPECT_EQ(Eval("max(1, ni)"), "null");
  EXPECT_EQ(Eval("cast(ni as string)"), "null");
  EXPECT_EQ(Eval("ni is null"), "true");
  EXPECT_EQ(Eval("i is null"), "false");
  EXPECT_EQ(Eval("ns is not null"), "false");
  EXPECT_EQ(Eval("coalesce(ni, nd, 3)"), "3");
  EXPECT_EQ(Eval("coalesce(ni, ni)"), "null");
  EXPECT_EQ(Eval("coalesce(ni, i) * 2"), "14");
}

TEST_F(ExpressionTest, ThreeValuedLogic) {
  EXPECT_EQ(Eval("true and nb"), "null");
  EXPECT_EQ(Eval("false and nb"), "false");
  EXPECT_EQ(Eval("nb and false"), "false");
  EXPECT_EQ(Eval("true or nb"), "true");
  EXPECT_EQ(Eval("nb or true"), "true");
  EXPECT_EQ(Eval("false or nb"), "null");
  EXPECT_EQ(Eval("not nb"), "null");
  EXPECT_EQ(Eval("not b"), "false");
  EXPECT_EQ(Eval("nb and nb"), "null");
  EXPECT_EQ(Eval("ni > 1 or i > 1"), "true");
  EXPECT_EQ(Eval("if(nb, 1, 2)"), "2");
  EXPECT_EQ(Eval("if(b, 1, 2)"), "1");
  EXPECT_EQ(Eval("if(b, ni, 2)"), "null");
  EXPECT_EQ(Eval("if(not b, 1, d)"), "2.5");
}

TEST_F(ExpressionTest, Comparisons) {
  EXPECT_EQ(Eval("i = 7"), "true");
  EXPECT_EQ(Eval("i == 7.0"), "true");
  EXPECT_EQ(Eval("i < d"), "false");
  EXPECT_EQ(Eval("d <= 2.5"), "true");
  EXPECT_EQ(Eval("s > 'H'"), "true");
  EXPECT_EQ(Eval("'a' < 'b'"), "true");
  EXPECT_EQ(Eval("'\xC3\xA9' > 'z'"), "true");  // bytewise = code point order
  EXPECT_EQ(Eval("b != false"), "true");
  EXPECT_EQ(Eval("t >= cast('2024-01-02T03:04:05Z' as timestamp)"), "true");
  EXPECT_EQ(Eval("y = y"), "true");
  EXPECT_EQ(Eval("sqrt(-1.0) = sqrt(-1.0)"), "null");
}

TEST_F(ExpressionTest, StringFunctions) {
  EXPECT_EQ(Eval("lower(s)"), "\"h\\303\\251llo world\"");
  EXPECT_EQ(Eval("upper('abc1')"), "\"ABC1\"");
  EXPECT_EQ(Eval("length(s)"), "11");
  EXPECT_EQ(Eval("length(y)"), "2");
  EXPECT_EQ(Eval("substr(s, 2, 3)"), "\"\\303\\251ll\"");
  EXPECT_EQ(Eval("substr(s, 7)"), "\"World\"");
  EXPECT_EQ(Eval("substr(s, 0, 1)"), "\"H\"");
  EXPECT_EQ(Eval("substr(s, 100)"), "\"\"");
  EXPECT_EQ(Eval("substr(s, 1, -1)"), "\"\"");
  EXPECT_EQ(Eval("concat('a', s, 'b')"), "\"aH\\303\\251llo Worldb\"");
  EXPECT_EQ(Eval("starts_with(s, 'H\xC3\xA9')"), "true");
  EXPECT_EQ(Eval("starts_with('a', 'abc')"), "false");
  EXPECT_EQ(Eval("contains(s, 'o W')"), "true");
  EXPECT_EQ(Eval("contains(s, '')"), "true");
  EXPECT_EQ(Eval("concat(lower(s), upper(s))"),
            "\"h\\303\\251llo worldH\\303\\251LLO WORLD\"");
}

TEST_F(ExpressionTest, MathFunctions) {
  EXPECT_EQ(Eval("abs(-3)"), "3");
  EXPECT_EQ(Eval("abs(-2.5)"), "2.5");
  EXPECT_EQ(Eval("sqrt(16)"), "4");
  EXPECT_EQ(Eval("exp(0)"), "1");
  EXPECT_EQ(Eval("log(exp(2.0))"), "2");
  EXPECT_EQ(Eval("floor(-2.5)"), "-3");
  EXPECT_EQ(Eval("ceil(2.1)"), "3");
  EXPECT_EQ(Eval("round(2.5)"), "3");
  EXPECT_EQ(Eval("round(-2.5)"), "-3");
  EXPECT_EQ(Eval("round(i)"), "7");
  EXPECT_EQ(Eval("min(3, i, 5)"), "3");
  EXPECT_EQ(Eval("max(3, i, 5)"), "7");
  EXPECT_EQ(Eval("max(1, 2.5)"), "2.5");
  EXPECT_EQ(Eval("min(i, 100.0)"), "7");
  EXPECT_EQ(Eval("pow(2, 10)"), "1024");
}

TEST_F(ExpressionTest, Casts) {
  EXPECT_EQ(Eval("cast(i as string)"), "\"7\"");
  EXPECT_EQ(Eval("cast(d as string)"), "\"2.5\"");
  EXPECT_EQ(Eval("cast(b as string)"), "\"true\"");
  EXPECT_EQ(Eval("cast(t as string)"), "\"2024-01-02T03:04:05.678Z\"");
  EXPECT_EQ(Eval("cast('42' as int)"), "42");
  EXPECT_EQ(Eval("cast('4x2' as int)"), "null");
  EXPECT_EQ(Eval("cast(' 42' as int)"), "null");
  EXPECT_EQ(Eval("cast('2.5' as double) * 2"), "5");
  EXPECT_EQ(Eval("cast('TRUE' as bool)"), "true");
  EXPECT_EQ(Eval("cast(-2.9 as int)"), "-2");
  EXPECT_EQ(Eval("cast(1e300 as int)"), "null");
  EXPECT_EQ(Eval("cast(sqrt(-1.0) as int)"), "null");
  EXPECT_EQ(Eval("cast(i as double)"), "7");
  EXPECT_EQ(Eval("cast(true as int)"), "1");
  EXPECT_EQ(Eval("cast(0 as bool)"), "false");
  EXPECT_EQ(Eval("cast(t as int)"), "1704164645678");
  EXPECT_EQ(Eval("cast('abc' as bytes)"), "b:616263");
  EXPECT_EQ(Eval("cast(y as string)"), "null");  // not valid UTF-8
  EXPECT_EQ(Eval("cast(null as string) is null"), "true");
}

TEST_F(ExpressionTest, PredicateTreatsNullAsFalseAndClonesAreIndependent) {
  auto e = Expression::Compile("ni > 1", schema_);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE((*e)->EvaluatePredicate(row_.data()));
  auto f =
      Expression::Compile("concat(s, '!') = 'H\xC3\xA9llo World!'", schema_);
  ASSERT_TRUE(f.ok());
  auto clone = (*f)->Clone();
  f->reset();
  EXPECT_TRUE(clone->EvaluatePredicate(row_.data()));
}

TEST_F(ExpressionTest, ReusedAcrossRowsWithChangingValues) {
  auto e = Expression::Compile("if(i % 2 = 0, concat(s, '-even'), lower(s))",
                               schema_);
  ASSERT_TRUE(e.ok());
  for (int64_t k = 0; k < 1000; ++k) {
    row_[0] = Value::Int64(k);
    row_.SetString(2, "AB" + std::to_string(k));
    const Value& v = (*e)->Evaluate(row_.data());
    ASSERT_EQ(std::string(v.str()), k % 2 == 0
                                        ? "AB" + std::to_string(k) + "-even"
                                        : "ab" + std::to_string(k));
    row_.arena().Reset();
  }
}

}  // namespace
}  // namespace rtai::engine::expr

namespace rtai::engine::expr {
namespace {

TEST(ExpressionWideSchemaTest, ReadsColumnsBeyondTheRegisterCount) {
  std::vector<Field> fields;
  for (int i = 0; i < 300; ++i)
    fields.push_back({"c" + std::to_string(i), TypeId::kInt64});
  Schema schema = *Schema::Create(std::move(fields));
  Row row(300);
  for (int i = 0; i < 300; ++i) row[i] = Value::Int64(i);
  auto e = Expression::Compile("c299 - c1", schema);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->Evaluate(row.data()), Value::Int64(298));
}

}  // namespace
}  // namespace rtai::engine::expr
