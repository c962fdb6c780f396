// Micro-benchmark of expression evaluation (not a test): ns per row for a
// few Nexmark-like expressions. Run: build/tests/engine/expr/engine_expr_bench
// Results are recorded in docs/ENGINE.md.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "engine/expr/expression.h"
#include "engine/expr/parser.h"
#include "engine/record/row.h"
#include "tests/engine/expr/closure_tree.h"

int main() {
  using rtai::engine::Row;
  using rtai::engine::Schema;
  using rtai::engine::TypeId;
  using rtai::engine::Value;
  Schema schema = *Schema::Create({{"auction", TypeId::kInt64},
                                   {"bidder", TypeId::kInt64},
                                   {"price", TypeId::kInt64},
                                   {"channel", TypeId::kString}});
  constexpr int kRows = 1024;
  std::vector<Row> rows;
  for (int i = 0; i < kRows; ++i) {
    rows.emplace_back(4);
    rows.back()[0] = Value::Int64(1000 + i * 7);
    rows.back()[1] = Value::Int64(2000 + i);
    rows.back()[2] = Value::Int64(100 + i * 13);
    rows.back().SetString(3, i % 3 ? "Google" : "Apple");
  }
  for (const char* src :
       {"price * 0.908", "auction % 123 = 0",
        "price > 1000 and channel = 'Google' or bidder is null",
        "if(price > 500, cast(price as double) / 3, 0.0) + abs(auction - "
        "bidder)",
        "lower(channel)"}) {
    auto e = rtai::engine::expr::Expression::Compile(src, schema);
    if (!e.ok()) return 1;
    constexpr int kIters = 500;
    double sink = 0;
    // The same expression as a tree of closures, where the subset allows.
    auto ast = rtai::engine::expr::Parse(src);
    auto checked = rtai::engine::expr::TypeCheck(*ast, schema);
    auto closure = rtai::engine::expr::bench::BuildClosure(
        *ast, *checked, static_cast<uint32_t>(ast->nodes.size() - 1));
    // Alternating rounds, best of 7 each: the machine is shared and noisy.
    double best = 1e9, best_closure = 1e9;
    for (int round = 0; round < 7; ++round) {
      auto start = std::chrono::steady_clock::now();
      for (int it = 0; it < kIters; ++it) {
        for (const Row& r : rows)
          sink += (*e)->Evaluate(r.data()).is_null() ? 0 : 1;
      }
      best = std::min(best, std::chrono::duration<double, std::nano>(
                                std::chrono::steady_clock::now() - start)
                                    .count() /
                                (kIters * kRows));
      if (!closure) continue;
      start = std::chrono::steady_clock::now();
      for (int it = 0; it < kIters; ++it) {
        for (const Row& r : rows) sink += closure(r.data()).is_null() ? 0 : 1;
      }
      best_closure =
          std::min(best_closure, std::chrono::duration<double, std::nano>(
                                     std::chrono::steady_clock::now() - start)
                                         .count() /
                                     (kIters * kRows));
    }
    std::printf(
        "%-76s %5.1f ns/row (%2zu instr)  closures: %s  [%.0f]\n", src, best,
        (*e)->num_instructions(),
        closure ? std::to_string(best_closure).substr(0, 4).c_str() : "n/a",
        sink);
  }
  return 0;
}
