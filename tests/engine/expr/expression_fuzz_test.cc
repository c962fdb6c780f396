// Random token soup and random mutations of valid expressions must compile
// or fail with a Status, and whatever compiles must evaluate without
// crashing (run under ASan/UBSan in CI).

#include <string>
#include <vector>

#include "base/random.h"
#include "engine/expr/expression.h"
#include "engine/record/row.h"
#include "gtest/gtest.h"

namespace rtai::engine::expr {
namespace {

class ExpressionFuzzTest : public ::testing::Test {
 protected:
  ExpressionFuzzTest()
      : schema_(*Schema::Create({{"i", TypeId::kInt64},
                                 {"d", TypeId::kDouble},
                                 {"s", TypeId::kString},
                                 {"b", TypeId::kBool},
                                 {"t", TypeId::kTimestamp},
                                 {"y", TypeId::kBytes}})) {}

  // Compiles `src`; if it compiles, evaluates it over a few rows including
  // nulls and extreme values. Returns whether it compiled.
  bool Exercise(const std::string& src) {
    auto e = Expression::Compile(src, schema_);
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << src;
      return false;
    }
    for (int variant = 0; variant < 3; ++variant) {
      Row row(6);
      if (variant == 0) {
        row[0] = Value::Int64(INT64_MIN);
        row[1] = Value::Double(-0.0);
        row.SetString(2, "\xC3\xA9x");
        row[3] = Value::Bool(false);
        row[4] = Value::Timestamp(INT64_MAX);
        row.SetBytes(5, std::string("\xff\0", 2));
      } else if (variant == 1) {
        for (size_t c = 0; c < 6; ++c)
          row[c] = Value::Null(schema_.field(c).type);
      } else {
        row[0] = Value::Int64(-1);
        row[1] = Value::Double(1e308);
        row.SetString(2, "");
        row[3] = Value::Bool(true);
        row[4] = Value::Timestamp(-1);
        row.SetBytes(5, "");
      }
      const Value& v = (*e)->Evaluate(row.data());
      if (!v.is_null()) {
        EXPECT_EQ(v.type(), (*e)->result_type()) << src;
      }
    }
    return true;
  }

  Schema schema_;
};

TEST_F(ExpressionFuzzTest, RandomTokenSequences) {
  static const std::vector<std::string> kTokens = {
      "i",        "d",        "s",         "b",
      "t",        "y",        "1",         "0",
      "-1",       "2.5",      "1e308",     "9223372036854775807",
      "'x'",      "''",       "null",      "true",
      "false",    "(",        ")",         ",",
      "+",        "-",        "*",         "/",
      "%",        "=",        "!=",        "<",
      "<=",       ">",        ">=",        "and",
      "or",       "not",      "is",        "null",
      "cast",     "as",       "int",       "double",
      "string",   "bool",     "timestamp", "bytes",
      "if",       "coalesce", "lower",     "upper",
      "length",   "substr",   "concat",    "starts_with",
      "contains", "abs",      "sqrt",      "log",
      "exp",      "floor",    "ceil",      "round",
      "min",      "max",      "pow",       "`i`",
      "'",        "`",        "#",         "\xff"};
  Random rng(2024);
  int compiled = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string src;
    const int n = 1 + static_cast<int>(rng.Uniform(12));
    for (int k = 0; k < n; ++k) {
      src += kTokens[rng.Uniform(kTokens.size())];
      src += ' ';
    }
    compiled += Exercise(src);
  }
  EXPECT_GT(compiled, 0);  // the soup is not all errors
}

TEST_F(ExpressionFuzzTest, MutationsOfValidExpressions) {
  static const std::vector<std::string> kSeeds = {
      "if(i % 3 = 0 and not b, concat(lower(s), 'x'), substr(s, i, 2))",
      "coalesce(cast(s as int), i * 2, -i) / (i - 1) + abs(i)",
      "max(d, i, 3.5) >= pow(d, 2) or t - cast(0 as timestamp) > 100",
      "length(y) + length(s) = 3 and starts_with(cast(y as string), 'a') is "
      "null",
      "round(sqrt(abs(d)) * log(i + 1.0)) < exp(floor(ceil(d)))"};
  static constexpr char kAlphabet[] = "()',+-*/%=<>! ianortsbdy0123456789.e`";
  Random rng(99);
  for (const std::string& seed : kSeeds) {
    ASSERT_TRUE(Exercise(seed)) << seed;
    for (int iter = 0; iter < 3000; ++iter) {
      std::string src = seed;
      for (int k = 0; k < 3; ++k) {
        const size_t pos = rng.Uniform(src.size() + 1);
        if (rng.Uniform(2) == 0 && pos < src.size()) {
          src.erase(pos, 1);
        } else {
          src.insert(pos, 1, kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)]);
        }
      }
      Exercise(src);
    }
  }
}

}  // namespace
}  // namespace rtai::engine::expr
