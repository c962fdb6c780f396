#include "engine/expr/type_checker.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "engine/expr/lexer.h"
#include "engine/record/absl_compat.h"

namespace rtai::engine::expr {
namespace {

struct FunctionInfo {
  const char* name;
  Function fn;
  uint32_t min_args, max_args;
};
constexpr std::array<FunctionInfo, 19> kFunctions = {{
    {"if", Function::kIf, 3, 3},
    {"coalesce", Function::kCoalesce, 1, 64},
    {"lower", Function::kLower, 1, 1},
    {"upper", Function::kUpper, 1, 1},
    {"length", Function::kLength, 1, 1},
    {"substr", Function::kSubstr, 2, 3},
    {"concat", Function::kConcat, 1, 64},
    {"starts_with", Function::kStartsWith, 2, 2},
    {"contains", Function::kContains, 2, 2},
    {"abs", Function::kAbs, 1, 1},
    {"sqrt", Function::kSqrt, 1, 1},
    {"log", Function::kLog, 1, 1},
    {"exp", Function::kExp, 1, 1},
    {"floor", Function::kFloor, 1, 1},
    {"ceil", Function::kCeil, 1, 1},
    {"round", Function::kRound, 1, 1},
    {"min", Function::kMin, 2, 64},
    {"max", Function::kMax, 2, 64},
    {"pow", Function::kPow, 2, 2},
}};

std::string Tn(TypeId t) { return std::string(TypeName(t)); }
bool NumOrNull(TypeId t) { return IsNumeric(t) || t == TypeId::kNull; }
bool Is(TypeId t, TypeId want) { return t == want || t == TypeId::kNull; }

// Checks a call's arguments and returns its type.
absl::StatusOr<TypeId> CheckCall(const Node& n, const FunctionInfo& f,
                                 const std::vector<TypeId>& at) {
  auto bad_arg = [&](size_t i, const char* want) {
    return ErrorAt(n.pos, absl::StrCat("argument ", i + 1, " of ", f.name,
                                       " must be ", want, ", got ", Tn(at[i])));
  };
  auto unify_all = [&](size_t from) -> absl::StatusOr<TypeId> {
    TypeId t = at[from];
    for (size_t i = from + 1; i < at.size(); ++i) {
      auto u = UnifyTypes(t, at[i]);
      if (!u) {
        return ErrorAt(n.pos, absl::StrCat("arguments of ", f.name,
                                           " have incompatible types ", Tn(t),
                                           " and ", Tn(at[i])));
      }
      t = *u;
    }
    return t;
  };
  switch (f.fn) {
    case Function::kIf:
      if (!Is(at[0], TypeId::kBool)) return bad_arg(0, "bool");
      return unify_all(1);
    case Function::kCoalesce:
      return unify_all(0);
    case Function::kLower:
    case Function::kUpper:
    case Function::kConcat:
      for (size_t i = 0; i < at.size(); ++i) {
        if (!Is(at[i], TypeId::kString)) return bad_arg(i, "string");
      }
      return TypeId::kString;
    case Function::kLength:
      if (!Is(at[0], TypeId::kString) && at[0] != TypeId::kBytes) {
        return bad_arg(0, "string or bytes");
      }
      return TypeId::kInt64;
    case Function::kSubstr:
      if (!Is(at[0], TypeId::kString)) return bad_arg(0, "string");
      for (size_t i = 1; i < at.size(); ++i) {
        if (!Is(at[i], TypeId::kInt64)) return bad_arg(i, "int64");
      }
      return TypeId::kString;
    case Function::kStartsWith:
    case Function::kContains:
      for (size_t i = 0; i < 2; ++i) {
        if (!Is(at[i], TypeId::kString)) return bad_arg(i, "string");
      }
      return TypeId::kBool;
    case Function::kAbs:
    case Function::kFloor:
    case Function::kCeil:
    case Function::kRound:
      if (!NumOrNull(at[0])) return bad_arg(0, "numeric");
      return at[0];
    case Function::kSqrt:
    case Function::kLog:
    case Function::kExp:
    case Function::kPow:
      for (size_t i = 0; i < at.size(); ++i) {
        if (!NumOrNull(at[i])) return bad_arg(i, "numeric");
      }
      return TypeId::kDouble;
    case Function::kMin:
    case Function::kMax:
      for (size_t i = 0; i < at.size(); ++i) {
        if (!NumOrNull(at[i])) return bad_arg(i, "numeric");
      }
      return unify_all(0);
    case Function::kNone:
      break;
  }
  return ErrorAt(n.pos, "internal: unresolved function");
}

}  // namespace

std::optional<TypeId> UnifyTypes(TypeId a, TypeId b) {
  if (a == b) return a;
  if (a == TypeId::kNull) return b;
  if (b == TypeId::kNull) return a;
  if (IsNumeric(a) && IsNumeric(b)) return TypeId::kDouble;
  return std::nullopt;
}

std::optional<TypeId> ArithmeticType(BinaryOp op, TypeId l, TypeId r) {
  const bool additive = op == BinaryOp::kAdd || op == BinaryOp::kSub;
  auto ok_operand = [&](TypeId t) {
    return NumOrNull(t) || (additive && t == TypeId::kTimestamp);
  };
  if (!ok_operand(l) || !ok_operand(r)) return std::nullopt;
  if (l == TypeId::kTimestamp || r == TypeId::kTimestamp) {
    if (l == TypeId::kTimestamp && r == TypeId::kTimestamp) {
      if (op == BinaryOp::kSub) return TypeId::kInt64;
      return std::nullopt;
    }
    const TypeId other = l == TypeId::kTimestamp ? r : l;
    if (other == TypeId::kDouble) return std::nullopt;
    if (op == BinaryOp::kSub && r == TypeId::kTimestamp && l != TypeId::kNull) {
      return std::nullopt;  // int - timestamp
    }
    return TypeId::kTimestamp;
  }
  if (l == TypeId::kNull) return r;
  if (r == TypeId::kNull) return l;
  return l == TypeId::kInt64 && r == TypeId::kInt64 ? TypeId::kInt64
                                                    : TypeId::kDouble;
}

bool Comparable(TypeId l, TypeId r) {
  if (l == TypeId::kNull || r == TypeId::kNull) return true;
  if (IsNumeric(l) && IsNumeric(r)) return true;
  return l == r;
}

bool CastAllowed(TypeId from, TypeId to) {
  if (from == to || from == TypeId::kNull) return true;
  if (to == TypeId::kString || from == TypeId::kString) return true;
  auto pair = [&](TypeId a, TypeId b) {
    return (from == a && to == b) || (from == b && to == a);
  };
  return pair(TypeId::kInt64, TypeId::kDouble) ||
         pair(TypeId::kInt64, TypeId::kTimestamp) ||
         pair(TypeId::kInt64, TypeId::kBool);
}

namespace {

absl::StatusOr<TypeId> CheckBinary(const Node& node,
                                   const std::vector<TypeId>& at) {
  const BinaryOp op = node.op;
  if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
    if (!Is(at[0], TypeId::kBool) || !Is(at[1], TypeId::kBool)) {
      return ErrorAt(node.pos, absl::StrCat("`", BinaryOpName(op),
                                            "` expects bool operands, got ",
                                            Tn(at[0]), " and ", Tn(at[1])));
    }
    return TypeId::kBool;
  }
  if (IsComparison(op)) {
    if (!Comparable(at[0], at[1])) {
      return ErrorAt(node.pos,
                     absl::StrCat("cannot compare ", Tn(at[0]), " and ",
                                  Tn(at[1]), " with `", BinaryOpName(op), "`"));
    }
    return TypeId::kBool;
  }
  auto r = ArithmeticType(op, at[0], at[1]);
  if (!r) {
    return ErrorAt(node.pos,
                   absl::StrCat("cannot apply `", BinaryOpName(op), "` to ",
                                Tn(at[0]), " and ", Tn(at[1])));
  }
  return *r;
}

absl::StatusOr<TypeId> CheckCallNode(const Node& node,
                                     const std::vector<TypeId>& at,
                                     Function* fn) {
  const FunctionInfo* info = nullptr;
  for (const FunctionInfo& f : kFunctions) {
    if (node.name == f.name) info = &f;
  }
  if (info == nullptr) {
    return ErrorAt(node.pos,
                   absl::StrCat("unknown function `", node.name, "`"));
  }
  if (node.num_args < info->min_args || node.num_args > info->max_args) {
    const std::string expected =
        info->min_args == info->max_args
            ? absl::StrCat(info->min_args, " argument",
                           info->min_args == 1 ? "" : "s")
            : absl::StrCat(info->min_args, " to ", info->max_args,
                           " arguments");
    return ErrorAt(node.pos, absl::StrCat("function ", info->name, " expects ",
                                          expected, ", got ", node.num_args));
  }
  *fn = info->fn;
  return CheckCall(node, *info, at);
}

// The type of node `i`, whose arguments have types `at`.
absl::StatusOr<TypeId> CheckNode(const Node& node,
                                 const std::vector<TypeId>& at,
                                 const Schema& schema, int* column,
                                 Function* fn) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      return node.literal.type();
    case NodeKind::kColumn: {
      *column = schema.FindField(node.name);
      if (*column < 0)
        return ErrorAt(node.pos,
                       absl::StrCat("unknown column `", node.name, "`"));
      return schema.field(*column).type;
    }
    case NodeKind::kNeg:
      if (!NumOrNull(at[0]))
        return ErrorAt(node.pos, absl::StrCat("cannot negate ", Tn(at[0])));
      return at[0];
    case NodeKind::kNot:
      if (!Is(at[0], TypeId::kBool)) {
        return ErrorAt(node.pos,
                       absl::StrCat("`not` expects bool, got ", Tn(at[0])));
      }
      return TypeId::kBool;
    case NodeKind::kIsNull:
    case NodeKind::kIsNotNull:
      return TypeId::kBool;
    case NodeKind::kBinary:
      return CheckBinary(node, at);
    case NodeKind::kCast:
      if (!CastAllowed(at[0], node.cast_to)) {
        return ErrorAt(node.pos, absl::StrCat("cannot cast ", Tn(at[0]), " to ",
                                              Tn(node.cast_to)));
      }
      return node.cast_to;
    case NodeKind::kCall:
      return CheckCallNode(node, at, fn);
  }
  return ErrorAt(node.pos, "internal: unknown node kind");
}

}  // namespace

absl::StatusOr<CheckedAst> TypeCheck(const Ast& ast, const Schema& schema) {
  CheckedAst out;
  const size_t n = ast.nodes.size();
  out.types.resize(n, TypeId::kNull);
  out.columns.resize(n, -1);
  out.functions.resize(n, Function::kNone);
  std::vector<TypeId> at;
  for (size_t i = 0; i < n; ++i) {
    const Node& node = ast.nodes[i];
    at.clear();
    for (uint32_t a = 0; a < node.num_args; ++a)
      at.push_back(out.types[ast.arg(node, a)]);
    auto t = CheckNode(node, at, schema, &out.columns[i], &out.functions[i]);
    if (!t.ok()) return t.status();
    out.types[i] = *t;
  }
  return out;
}

}  // namespace rtai::engine::expr
