#pragma once
// RETURN_IF_ERROR / ASSIGN_OR_RETURN (Debian's Abseil 20220623 has neither).

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RTAI_CONCAT_INNER_(a, b) a##b
#define RTAI_CONCAT_(a, b) RTAI_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the enclosing function
// when it is not OK.
#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    ::absl::Status rtai_status_ = (expr);                      \
    if (!rtai_status_.ok()) return rtai_status_;               \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: evaluates F() (an absl::StatusOr<T>);
// returns its status when not OK, otherwise moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  RTAI_ASSIGN_OR_RETURN_IMPL_(RTAI_CONCAT_(rtai_statusor_, __LINE__), lhs, expr)
#define RTAI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
