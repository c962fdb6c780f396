#include "cli/http/metrics_snapshot.h"

#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rtai::cli {
namespace {

bool IsNameChar(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

// Reads a name at s[*i]; empty if none.
std::string_view ReadName(std::string_view s, size_t* i) {
  const size_t start = *i;
  while (*i < s.size() && IsNameChar(s[*i], *i == start)) ++*i;
  return s.substr(start, *i - start);
}

absl::Status ParseLabels(std::string_view line, size_t* i, MetricSample* sample) {
  ++*i;  // '{'
  while (true) {
    if (*i < line.size() && line[*i] == '}') {
      ++*i;
      return absl::OkStatus();
    }
    const std::string_view name = ReadName(line, i);
    if (name.empty() || *i + 1 >= line.size() || line[*i] != '=' || line[*i + 1] != '"') {
      return absl::InvalidArgumentError("bad label");
    }
    *i += 2;
    std::string value;
    while (true) {
      if (*i >= line.size()) return absl::InvalidArgumentError("unterminated label value");
      const char c = line[(*i)++];
      if (c == '"') break;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (*i >= line.size()) return absl::InvalidArgumentError("bad escape");
      const char e = line[(*i)++];
      if (e == 'n') {
        value.push_back('\n');
      } else if (e == '\\' || e == '"') {
        value.push_back(e);
      } else {
        return absl::InvalidArgumentError("bad escape");
      }
    }
    sample->labels.emplace_back(std::string(name), std::move(value));
    if (*i < line.size() && line[*i] == ',') ++*i;
  }
}

absl::Status ParseValue(std::string_view text, double* out) {
  if (text == "+Inf") {
    *out = std::numeric_limits<double>::infinity();
  } else if (text == "-Inf") {
    *out = -std::numeric_limits<double>::infinity();
  } else if (text == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
  } else if (!absl::SimpleAtod(absl::string_view(text.data(), text.size()), out) ||
             std::isnan(*out) || std::isinf(*out)) {
    return absl::InvalidArgumentError("bad value");
  }
  return absl::OkStatus();
}

absl::Status ParseLine(std::string_view line, MetricSample* sample) {
  size_t i = 0;
  sample->name = std::string(ReadName(line, &i));
  if (sample->name.empty()) return absl::InvalidArgumentError("bad metric name");
  if (i < line.size() && line[i] == '{') {
    if (absl::Status s = ParseLabels(line, &i, sample); !s.ok()) return s;
  }
  if (i >= line.size() || line[i] != ' ') return absl::InvalidArgumentError("missing value");
  std::string_view rest = line.substr(i + 1);
  // An optional timestamp after the value is ignored.
  if (const size_t sp = rest.find(' '); sp != std::string_view::npos) rest = rest.substr(0, sp);
  return ParseValue(rest, &sample->value);
}

}  // namespace

const std::string& MetricSample::Label(std::string_view name) const {
  static const std::string* const kEmpty = new std::string();
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return *kEmpty;
}

absl::StatusOr<std::vector<MetricSample>> ParseExposition(std::string_view text,
                                                          std::string_view prefix,
                                                          size_t max_samples) {
  std::vector<MetricSample> out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    if (line.substr(0, prefix.size()) != prefix) continue;
    MetricSample sample;
    if (absl::Status s = ParseLine(line, &sample); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("exposition line ", line_no, ": ", s.message()));
    }
    if (out.size() >= max_samples) {
      return absl::ResourceExhaustedError(absl::StrCat("more than ", max_samples, " samples"));
    }
    out.push_back(std::move(sample));
  }
  return out;
}

}  // namespace rtai::cli
