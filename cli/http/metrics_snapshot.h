#pragma once
// Reads samples back from Prometheus text exposition (what
// metrics::Registry::RenderText writes), so the dashboard can serve the
// registry's values as JSON (/api/metrics) and join broker counters and
// consumer lag to its topics without new hooks in the broker.
//
// Accepted: `# ...` comment lines (skipped), blank lines, and
// `name{label="value",...} number` with the format's escapes (\\, \", \n)
// in label values; numbers as written by FormatDouble (+Inf, -Inf, NaN
// included). Anything else is kInvalidArgument naming the line. Bounded:
// at most `max_samples` samples are returned (kResourceExhausted past it).
// Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace rtai::cli {

struct MetricSample {
  std::string name;  // including _bucket/_sum/_count for histograms
  std::vector<std::pair<std::string, std::string>> labels;  // in text order
  double value = 0;

  // The value of label `name`, "" if absent.
  const std::string& Label(std::string_view name) const;
};

inline constexpr size_t kDefaultMaxSamples = 200000;

// Only samples whose name starts with `prefix` are kept ("" keeps all).
absl::StatusOr<std::vector<MetricSample>> ParseExposition(std::string_view text,
                                                          std::string_view prefix = "",
                                                          size_t max_samples = kDefaultMaxSamples);

}  // namespace rtai::cli
