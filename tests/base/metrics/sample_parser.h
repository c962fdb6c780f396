#pragma once
// FindSample: the value of one series in a Prometheus text exposition, for
// tests. `series` is the exact text before the value, e.g.
// `rtai_x_total{topic="t"}`. nullopt when the series is absent.

#include <cstdlib>
#include <optional>
#include <string>

namespace rtai::testing {

inline std::optional<double> FindSample(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const size_t start = pos + series.size() + 1;
      const size_t end = text.find('\n', start);
      return std::strtod(text.substr(start, end - start).c_str(), nullptr);
    }
    pos += series.size();
  }
  return std::nullopt;
}

}  // namespace rtai::testing
