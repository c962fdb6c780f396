#pragma once
// Compiles a type-checked AST into a Program (program.h): one pass over the
// nodes in index order choosing a typed instruction per node and inserting
// int64 -> double promotions where an operand is int64 and the operation is
// done in double.

#include "engine/expr/ast.h"
#include "engine/expr/program.h"
#include "engine/expr/type_checker.h"
#include "engine/record/schema.h"

namespace rtai::engine::expr {

// Takes the AST's literal storage. `checked` must come from TypeCheck(ast,
// schema).
Program CompileProgram(Ast ast, const CheckedAst& checked,
                       const Schema& schema);

}  // namespace rtai::engine::expr
