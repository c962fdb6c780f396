#pragma once
// Pieces of the Prometheus text exposition format (version 0.0.4):
// escaping of HELP text and label values, number formatting and the label
// block `{a="x",b="y"}`. Spec: docs/OPERATIONS.md links the upstream text.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtai::metrics {

// HELP text: backslash -> \\, newline -> \n.
std::string EscapeHelp(std::string_view help);
// Label value: backslash -> \\, double quote -> \", newline -> \n.
std::string EscapeLabelValue(std::string_view value);
// Go-parsable float: "+Inf", "-Inf", "NaN", integers without exponent
// when exact below 2^53, otherwise shortest round-trip form.
std::string FormatDouble(double v);
// `{n1="v1",n2="v2"}` (values escaped), "" when there are no labels.
// `extra` (e.g. le="0.5") is appended last when non-empty.
std::string LabelBlock(const std::vector<std::string>& names,
                       const std::vector<std::string>& values,
                       std::string_view extra = {});

// Valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);
// Valid label name: [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__".
bool IsValidLabelName(std::string_view name);

}  // namespace rtai::metrics
