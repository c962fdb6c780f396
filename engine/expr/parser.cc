#include "engine/expr/parser.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/expr/lexer.h"
#include "engine/record/text_parse.h"

namespace rtai::engine::expr {
namespace {

constexpr int kPrecOr = 1, kPrecAnd = 2, kPrecNot = 3, kPrecCmp = 4,
              kPrecAdd = 5, kPrecMul = 6;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsKeyword(std::string_view lower) {
  for (const char* k :
       {"and", "or", "not", "is", "null", "true", "false", "cast", "as"}) {
    if (lower == k) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ExprLimits& limits)
      : toks_(std::move(tokens)), limits_(limits) {}

  absl::StatusOr<Ast> Run() {
    ASSIGN_OR_RETURN(uint32_t root, ParseExpr(0, 1));
    (void)root;
    if (Peek().kind != TokenKind::kEnd) {
      return ErrorAt(Peek().pos, absl::StrCat("unexpected `", Peek().text,
                                              "` after the expression"));
    }
    return std::move(ast_);
  }

 private:
  const Token& Peek() const { return toks_[idx_]; }
  const Token& Next() {
    const Token& t = toks_[idx_];
    if (t.kind != TokenKind::kEnd) ++idx_;
    return t;
  }
  bool PeekKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kIdent && Lower(Peek().text) == kw;
  }
  absl::Status TooDeep(uint32_t pos) const {
    return ErrorAt(pos, absl::StrCat("expression nests deeper than ",
                                     limits_.max_depth, " levels"));
  }

  // Appends a node over `args`; enforces the node count and tree depth.
  absl::StatusOr<uint32_t> Add(Node n, std::initializer_list<uint32_t> args) {
    return AddV(std::move(n), std::vector<uint32_t>(args));
  }
  absl::StatusOr<uint32_t> AddV(Node n, const std::vector<uint32_t>& args) {
    if (ast_.nodes.size() >= limits_.max_nodes) {
      return ErrorAt(n.pos, absl::StrCat("expression has more than ",
                                         limits_.max_nodes, " nodes"));
    }
    int depth = 1;
    for (uint32_t a : args) depth = std::max(depth, depth_[a] + 1);
    if (depth > limits_.max_depth) return TooDeep(n.pos);
    n.first_arg = static_cast<uint32_t>(ast_.args.size());
    n.num_args = static_cast<uint32_t>(args.size());
    ast_.args.insert(ast_.args.end(), args.begin(), args.end());
    ast_.nodes.push_back(std::move(n));
    depth_.push_back(depth);
    return static_cast<uint32_t>(ast_.nodes.size() - 1);
  }

  static bool BinaryOpOf(const Token& t, BinaryOp* op, int* prec) {
    switch (t.kind) {
      case TokenKind::kPlus:
        *op = BinaryOp::kAdd;
        *prec = kPrecAdd;
        return true;
      case TokenKind::kMinus:
        *op = BinaryOp::kSub;
        *prec = kPrecAdd;
        return true;
      case TokenKind::kStar:
        *op = BinaryOp::kMul;
        *prec = kPrecMul;
        return true;
      case TokenKind::kSlash:
        *op = BinaryOp::kDiv;
        *prec = kPrecMul;
        return true;
      case TokenKind::kPercent:
        *op = BinaryOp::kMod;
        *prec = kPrecMul;
        return true;
      case TokenKind::kEq:
        *op = BinaryOp::kEq;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kNe:
        *op = BinaryOp::kNe;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kLt:
        *op = BinaryOp::kLt;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kLe:
        *op = BinaryOp::kLe;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kGt:
        *op = BinaryOp::kGt;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kGe:
        *op = BinaryOp::kGe;
        *prec = kPrecCmp;
        return true;
      case TokenKind::kIdent: {
        const std::string w = Lower(t.text);
        if (w == "and") return *op = BinaryOp::kAnd, *prec = kPrecAnd, true;
        if (w == "or") return *op = BinaryOp::kOr, *prec = kPrecOr, true;
        return false;
      }
      default:
        return false;
    }
  }

  absl::StatusOr<uint32_t> ParseExpr(int min_prec, int depth) {
    if (depth > limits_.max_depth) return TooDeep(Peek().pos);
    ASSIGN_OR_RETURN(uint32_t lhs, ParseUnary(min_prec, depth));
    while (true) {
      const Token& t = Peek();
      if (PeekKeyword("is") && min_prec <= kPrecCmp) {
        Next();
        const bool negated = PeekKeyword("not");
        if (negated) Next();
        if (!PeekKeyword("null"))
          return ErrorAt(Peek().pos, "expected `null` after `is`");
        Next();
        ASSIGN_OR_RETURN(
            lhs, Add(Node{negated ? NodeKind::kIsNotNull : NodeKind::kIsNull,
                          BinaryOp::kAdd, TypeId::kNull, t.pos},
                     {lhs}));
        continue;
      }
      BinaryOp op;
      int prec;
      if (!BinaryOpOf(t, &op, &prec) || prec < min_prec) return lhs;
      const uint32_t pos = Next().pos;
      ASSIGN_OR_RETURN(uint32_t rhs, ParseExpr(prec + 1, depth + 1));
      Node n{NodeKind::kBinary, op, TypeId::kNull, pos};
      ASSIGN_OR_RETURN(lhs, Add(std::move(n), {lhs, rhs}));
      BinaryOp next_op;
      int next_prec;
      if (IsComparison(op) && BinaryOpOf(Peek(), &next_op, &next_prec) &&
          IsComparison(next_op)) {
        return ErrorAt(
            Peek().pos,
            "comparisons cannot be chained; combine them with `and`");
      }
    }
  }

  absl::StatusOr<uint32_t> ParseUnary(int min_prec, int depth) {
    if (depth > limits_.max_depth) return TooDeep(Peek().pos);
    const Token& t = Peek();
    if (PeekKeyword("not")) {
      if (min_prec > kPrecNot)
        return ErrorAt(t.pos, "`not` needs parentheses here");
      Next();
      ASSIGN_OR_RETURN(uint32_t operand, ParseExpr(kPrecNot, depth + 1));
      return Add(Node{NodeKind::kNot, BinaryOp::kAdd, TypeId::kNull, t.pos},
                 {operand});
    }
    if (t.kind == TokenKind::kMinus) {
      Next();
      const Token& lit = Peek();
      if (lit.kind == TokenKind::kInt || lit.kind == TokenKind::kDouble) {
        Next();
        return Literal(lit, t.pos, /*negate=*/true);
      }
      ASSIGN_OR_RETURN(uint32_t operand, ParseUnary(kPrecMul + 1, depth + 1));
      return Add(Node{NodeKind::kNeg, BinaryOp::kAdd, TypeId::kNull, t.pos},
                 {operand});
    }
    return ParsePrimary(depth);
  }

  absl::StatusOr<uint32_t> Literal(const Token& t, uint32_t pos, bool negate) {
    Node n{NodeKind::kLiteral, BinaryOp::kAdd, TypeId::kNull, pos};
    const std::string text = negate ? "-" + t.text : t.text;
    if (t.kind == TokenKind::kInt) {
      int64_t v;
      if (!ParseInt64Text(text, &v))
        return ErrorAt(pos, "integer literal out of range");
      n.literal = Value::Int64(v);
    } else {
      double d;
      if (!ParseDoubleText(text, &d))
        return ErrorAt(pos, "double literal out of range");
      n.literal = Value::Double(d);
    }
    return Add(std::move(n), {});
  }

  absl::StatusOr<uint32_t> ParsePrimary(int depth) {
    const Token& t = Next();
    Node n{NodeKind::kLiteral, BinaryOp::kAdd, TypeId::kNull, t.pos};
    switch (t.kind) {
      case TokenKind::kInt:
      case TokenKind::kDouble:
        return Literal(t, t.pos, false);
      case TokenKind::kString:
        ast_.strings.push_back(std::make_unique<std::string>(t.text));
        n.literal = Value::String(*ast_.strings.back());
        return Add(std::move(n), {});
      case TokenKind::kQuotedIdent:
        n.kind = NodeKind::kColumn;
        n.name = t.text;
        return Add(std::move(n), {});
      case TokenKind::kLParen: {
        ASSIGN_OR_RETURN(uint32_t e, ParseExpr(0, depth + 1));
        if (Next().kind != TokenKind::kRParen)
          return ErrorAt(t.pos, "unbalanced `(`");
        return e;
      }
      case TokenKind::kIdent:
        return ParseIdent(t, depth);
      case TokenKind::kEnd:
        return ErrorAt(t.pos, "unexpected end of expression");
      default:
        return ErrorAt(t.pos, absl::StrCat("unexpected `", t.text, "`"));
    }
  }

  absl::StatusOr<uint32_t> ParseIdent(const Token& t, int depth) {
    const std::string w = Lower(t.text);
    Node n{NodeKind::kLiteral, BinaryOp::kAdd, TypeId::kNull, t.pos};
    if (w == "true" || w == "false") {
      n.literal = Value::Bool(w == "true");
      return Add(std::move(n), {});
    }
    if (w == "null") return Add(std::move(n), {});
    if (w == "cast") {
      if (Next().kind != TokenKind::kLParen)
        return ErrorAt(t.pos, "expected `(` after cast");
      ASSIGN_OR_RETURN(uint32_t e, ParseExpr(0, depth + 1));
      if (!PeekKeyword("as"))
        return ErrorAt(Peek().pos, "expected `as` in cast");
      Next();
      const Token& type_tok = Next();
      auto type = type_tok.kind == TokenKind::kIdent
                      ? ParseTypeName(type_tok.text)
                      : std::nullopt;
      if (!type) {
        return ErrorAt(type_tok.pos,
                       absl::StrCat("unknown type `", type_tok.text, "`"));
      }
      if (Next().kind != TokenKind::kRParen)
        return ErrorAt(t.pos, "unbalanced `(` in cast");
      n.kind = NodeKind::kCast;
      n.cast_to = *type;
      return Add(std::move(n), {e});
    }
    if (IsKeyword(w))
      return ErrorAt(t.pos, absl::StrCat("unexpected keyword `", w, "`"));
    if (Peek().kind != TokenKind::kLParen) {
      n.kind = NodeKind::kColumn;
      n.name = t.text;
      return Add(std::move(n), {});
    }
    Next();  // (
    std::vector<uint32_t> args;
    if (Peek().kind == TokenKind::kRParen) {
      Next();
    } else {
      while (true) {
        if (args.size() >= limits_.max_args) {
          return ErrorAt(t.pos, absl::StrCat("more than ", limits_.max_args,
                                             " arguments"));
        }
        ASSIGN_OR_RETURN(uint32_t a, ParseExpr(0, depth + 1));
        args.push_back(a);
        const Token& sep = Next();
        if (sep.kind == TokenKind::kRParen) break;
        if (sep.kind != TokenKind::kComma) {
          return ErrorAt(sep.pos,
                         absl::StrCat("expected `,` or `)` in call to ", w));
        }
      }
    }
    n.kind = NodeKind::kCall;
    n.name = w;
    return AddV(std::move(n), args);
  }

  std::vector<Token> toks_;
  size_t idx_ = 0;
  const ExprLimits& limits_;
  Ast ast_;
  std::vector<int> depth_;
};

}  // namespace

const char* BinaryOpName(BinaryOp op) {
  static constexpr const char* kNames[] = {
      "+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or"};
  return kNames[static_cast<int>(op)];
}

absl::StatusOr<Ast> Parse(std::string_view source, const ExprLimits& limits) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source, limits));
  return Parser(std::move(tokens), limits).Run();
}

}  // namespace rtai::engine::expr
