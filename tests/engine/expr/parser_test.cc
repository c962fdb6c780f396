#include "engine/expr/parser.h"

#include <string>

#include "engine/expr/lexer.h"
#include "gtest/gtest.h"

namespace rtai::engine::expr {
namespace {

// Renders the AST as a fully parenthesised string, to check precedence.
std::string Render(const Ast& ast, uint32_t i) {
  const Node& n = ast.nodes[i];
  auto arg = [&](uint32_t k) { return Render(ast, ast.arg(n, k)); };
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal.DebugString();
    case NodeKind::kColumn:
      return n.name;
    case NodeKind::kNeg:
      return "(-" + arg(0) + ")";
    case NodeKind::kNot:
      return "(not " + arg(0) + ")";
    case NodeKind::kIsNull:
      return "(" + arg(0) + " is null)";
    case NodeKind::kIsNotNull:
      return "(" + arg(0) + " is not null)";
    case NodeKind::kBinary:
      return "(" + arg(0) + " " + BinaryOpName(n.op) + " " + arg(1) + ")";
    case NodeKind::kCast:
      return "cast(" + arg(0) + " as " + std::string(TypeName(n.cast_to)) + ")";
    case NodeKind::kCall: {
      std::string s = n.name + "(";
      for (uint32_t k = 0; k < n.num_args; ++k) s += (k ? ", " : "") + arg(k);
      return s + ")";
    }
  }
  return "?";
}

std::string P(std::string_view src) {
  auto ast = Parse(src);
  if (!ast.ok()) return "ERROR " + std::string(ast.status().message());
  return Render(*ast, static_cast<uint32_t>(ast->nodes.size() - 1));
}

TEST(ParserTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(P("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(P("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(P("(1 - 2) * 3 % 4"), "(((1 - 2) * 3) % 4)");
  EXPECT_EQ(P("a or b and not c = 1"), "(a or (b and (not (c = 1))))");
  EXPECT_EQ(P("-x * y"), "((-x) * y)");
  EXPECT_EQ(P("- - 3"), "(--3)");
  EXPECT_EQ(P("a + 1 is not null and b IS NULL"),
            "(((a + 1) is not null) and (b is null))");
  EXPECT_EQ(P("x <> 1 or x != 2 or x == 3"),
            "(((x != 1) or (x != 2)) or (x = 3))");
  EXPECT_EQ(P("NOT a"), "(not a)");
}

TEST(ParserTest, LiteralsIdentifiersCallsAndCasts) {
  EXPECT_EQ(P("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(P("1.5e3 + .5"), "(1500 + 0.5)");
  EXPECT_EQ(P("'it''s'"), "\"it\\'s\"");
  EXPECT_EQ(P("TRUE and false or null"), "((true and false) or null)");
  EXPECT_EQ(P("`my col` + `or`"), "(my col + or)");
  EXPECT_EQ(P("SUBSTR(name, 1, 2)"), "substr(name, 1, 2)");
  EXPECT_EQ(P("f()"), "f()");
  EXPECT_EQ(P("cast(x as BIGINT)"), "cast(x as int64)");
}

TEST(ParserTest, ErrorsNameTheColumn) {
  EXPECT_EQ(P("1 +"), "ERROR column 4: unexpected end of expression");
  EXPECT_EQ(P("(1 + 2"), "ERROR column 1: unbalanced `(`");
  EXPECT_EQ(P("1 2"), "ERROR column 3: unexpected `2` after the expression");
  EXPECT_EQ(P("'abc"), "ERROR column 1: unterminated string literal");
  EXPECT_EQ(P("`abc"), "ERROR column 1: unterminated quoted identifier");
  EXPECT_EQ(
      P("a < b < c"),
      "ERROR column 7: comparisons cannot be chained; combine them with `and`");
  EXPECT_EQ(P("a + not b"), "ERROR column 5: `not` needs parentheses here");
  EXPECT_EQ(P("a is 3"), "ERROR column 6: expected `null` after `is`");
  EXPECT_EQ(P("cast(a as money)"), "ERROR column 11: unknown type `money`");
  EXPECT_EQ(P("cast(a)"), "ERROR column 7: expected `as` in cast");
  EXPECT_EQ(P("f(1 2)"), "ERROR column 5: expected `,` or `)` in call to f");
  EXPECT_EQ(P("and"), "ERROR column 1: unexpected keyword `and`");
  EXPECT_EQ(P("a # b"), "ERROR column 3: unexpected character '#'");
  EXPECT_EQ(P("a \x01 b"), "ERROR column 3: unexpected byte 0x1");
  EXPECT_EQ(P("12abc"), "ERROR column 1: malformed number");
  EXPECT_EQ(P("1e"), "ERROR column 1: malformed number");
  EXPECT_EQ(P("9223372036854775808"),
            "ERROR column 1: integer literal out of range");
  EXPECT_EQ(P("1e999"), "ERROR column 1: double literal out of range");
  EXPECT_EQ(P(""), "ERROR column 1: unexpected end of expression");
}

TEST(ParserTest, HostileInputIsRejectedWithoutDeepRecursion) {
  EXPECT_EQ(P(std::string(10000, '(') + "1" + std::string(10000, ')')),
            "ERROR expression of 20001 bytes exceeds the limit of 16384");
  EXPECT_EQ(P(std::string(5000, '(') + "1" + std::string(5000, ')')),
            "ERROR column 8194: expression has too many tokens");
  EXPECT_EQ(P(std::string(3000, '(') + "1" + std::string(3000, ')')),
            "ERROR column 65: expression nests deeper than 64 levels");
  EXPECT_EQ(P(std::string(8000, '-') + "x"),
            "ERROR column 65: expression nests deeper than 64 levels");
  EXPECT_EQ(P(std::string(60, '(') + "1" + std::string(60, ')')), "1");
  // A long flat chain: no deep recursion in the parser, but a deep tree.
  std::string chain = "x";
  for (int i = 0; i < 100; ++i) chain += " + x";
  EXPECT_EQ(P(chain),
            "ERROR column 255: expression nests deeper than 64 levels");
  std::string many_args = "concat(";
  for (int i = 0; i < 100; ++i) many_args += "'a',";
  EXPECT_EQ(P(many_args + "'a')"), "ERROR column 1: more than 64 arguments");
  ExprLimits small;
  small.max_nodes = 10;
  auto ast = Parse("1+1+1+1+1+1", small);
  EXPECT_EQ(std::string(ast.status().message()),
            "column 10: expression has more than 10 nodes");
  std::string huge_literal = "'" + std::string(16000, 'z') + "'";
  auto big = Parse(huge_literal);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->nodes[0].literal.str().size(), 16000u);
}

}  // namespace
}  // namespace rtai::engine::expr
