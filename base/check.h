#pragma once
// CHECK/DCHECK for programmer errors (Debian's Abseil 20220623 has no absl/log).
// CHECK is always on; DCHECK only in debug builds (NDEBUG unset). A failed check
// prints file:line and the condition to stderr and aborts. Never use these for
// bad input: bad input becomes an absl::Status.

#include <cstdio>
#include <cstdlib>

namespace rtai::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line,
                                     const char* expr) {
  std::fprintf(stderr, "CHECK failed at %s:%d: %s\n", file, line, expr);
  std::fflush(stderr);
  std::abort();
}
}  // namespace rtai::internal

#define CHECK(cond)                                                \
  do {                                                             \
    if (__builtin_expect(!(cond), 0))                              \
      ::rtai::internal::CheckFailed(__FILE__, __LINE__, #cond);    \
  } while (0)

#define CHECK_OP_(a, op, b) CHECK((a)op(b))
#define CHECK_EQ(a, b) CHECK_OP_(a, ==, b)
#define CHECK_NE(a, b) CHECK_OP_(a, !=, b)
#define CHECK_LT(a, b) CHECK_OP_(a, <, b)
#define CHECK_LE(a, b) CHECK_OP_(a, <=, b)
#define CHECK_GT(a, b) CHECK_OP_(a, >, b)
#define CHECK_GE(a, b) CHECK_OP_(a, >=, b)
#define CHECK_OK(expr)                                                   \
  do {                                                                   \
    const auto& rtai_check_ok_s_ = (expr);                               \
    if (!rtai_check_ok_s_.ok()) {                                        \
      std::fprintf(stderr, "%s\n", std::string(rtai_check_ok_s_.ToString()).c_str()); \
      ::rtai::internal::CheckFailed(__FILE__, __LINE__, #expr " is OK"); \
    }                                                                    \
  } while (0)

#ifdef NDEBUG
#define DCHECK(cond) \
  do {               \
    (void)sizeof(cond); \
  } while (0)
#else
#define DCHECK(cond) CHECK(cond)
#endif
#define DCHECK_EQ(a, b) DCHECK((a) == (b))
#define DCHECK_LE(a, b) DCHECK((a) <= (b))
#define DCHECK_LT(a, b) DCHECK((a) < (b))
#define DCHECK_GE(a, b) DCHECK((a) >= (b))
