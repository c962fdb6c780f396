// Checks that evaluating scalar expressions performs no heap allocation, by
// counting calls to the global operator new in this test binary.

#include <atomic>
#include <cstdlib>
#include <new>

#include "engine/expr/expression.h"
#include "engine/record/row.h"
#include "gtest/gtest.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace rtai::engine::expr {
using ::rtai::engine::Row;
namespace {

TEST(ExpressionAllocTest, ScalarEvaluationDoesNotAllocate) {
  Schema schema = *Schema::Create({{"price", TypeId::kInt64},
                                   {"auction", TypeId::kInt64},
                                   {"ratio", TypeId::kDouble},
                                   {"channel", TypeId::kString}});
  Row row(4);
  row[0] = Value::Int64(1234);
  row[1] = Value::Int64(246);
  row[2] = Value::Double(0.5);
  row.SetString(3, "Google");
  for (const char* src :
       {"price * 0.908", "auction % 123 = 0",
        "if(price > 1000 and not (ratio < 0.1), "
        "coalesce(price, 0) / 3, abs(-price))",
        "starts_with(channel, 'Goo') and length(channel) = 6 and "
        "substr(channel, 2, 2) = 'oo'",
        "round(sqrt(cast(price as double)) * ratio) >= max(1, auction, 2)"}) {
    auto e = Expression::Compile(src, schema);
    ASSERT_TRUE(e.ok()) << src << ": " << e.status();
    (*e)->Evaluate(row.data());  // warm-up
    const long before = g_allocations.load();
    for (int i = 0; i < 1000; ++i) {
      row[0] = Value::Int64(i);
      (*e)->Evaluate(row.data());
    }
    EXPECT_EQ(g_allocations.load() - before, 0) << src;
  }
}

TEST(ExpressionAllocTest, StringResultsReuseTheArenaOnceWarm) {
  Schema schema = *Schema::Create({{"s", TypeId::kString}});
  Row row(1);
  row.SetString(0, "Hello");
  auto e = Expression::Compile("concat(lower(s), '-', upper(s))", schema);
  ASSERT_TRUE(e.ok());
  (*e)->Evaluate(row.data());
  const long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ((*e)->Evaluate(row.data()).str(), "hello-HELLO");
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace rtai::engine::expr
