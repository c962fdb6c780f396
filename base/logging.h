#pragma once
// Structured log lines to stderr: `ts=... level=INFO msg="..." key=value ...`.
// One write(2) per line, so lines from threads never interleave. Thread-safe.
//
//   LogInfo("segment rolled", {{"topic", t}, {"partition", p}, {"offset", o}});

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace rtai {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

struct LogField {
  LogField(const char* k, std::string v) : key(k), value(std::move(v)) {}
  LogField(const char* k, const char* v) : key(k), value(v) {}
  LogField(const char* k, absl::string_view v) : key(k), value(v) {}
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  LogField(const char* k, T v) : key(k), value(absl::StrCat(v)) {}
  const char* key;
  std::string value;
};

void Log(LogLevel level, absl::string_view msg,
         std::initializer_list<LogField> fields = {});
inline void LogInfo(absl::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, msg, f);
}
inline void LogWarning(absl::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarning, msg, f);
}
inline void LogError(absl::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, msg, f);
}
// Lines below this level are dropped. Default: kInfo.
void SetMinLogLevel(LogLevel level);

}  // namespace rtai
