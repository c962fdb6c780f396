#include "cli/record_format.h"

#include "absl/strings/str_cat.h"

namespace rtai::cli {

absl::StatusOr<RecordFormat> RecordFormat::Parse(const std::string& spec) {
  RecordFormat f;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) f.parts_.push_back({0, std::move(text)});
    text.clear();
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c != '%' && c != '\\') {
      text.push_back(c);
      continue;
    }
    if (i + 1 >= spec.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--format ends with a lone '", std::string(1, c), "'"));
    }
    const char d = spec[++i];
    if (c == '\\') {
      if (d == 'n')
        text.push_back('\n');
      else if (d == 't')
        text.push_back('\t');
      else if (d == '\\')
        text.push_back('\\');
      else
        return absl::InvalidArgumentError(
            absl::StrCat("--format has unknown escape \\", std::string(1, d)));
      continue;
    }
    if (d == '%') {
      text.push_back('%');
    } else if (d == 'k' || d == 'v' || d == 'o' || d == 'p' || d == 't') {
      flush();
      f.parts_.push_back({d, ""});
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--format has unknown directive %", std::string(1, d),
                       " (use %k %v %o %p %t %%)"));
    }
  }
  flush();
  return f;
}

std::string RecordFormat::Format(const v1::FetchedRecord& r) const {
  std::string out;
  for (const Part& p : parts_) {
    switch (p.field) {
      case 0:
        out += p.text;
        break;
      case 'k':
        out += r.key();
        break;
      case 'v':
        out += r.value();
        break;
      case 'o':
        absl::StrAppend(&out, r.offset());
        break;
      case 'p':
        absl::StrAppend(&out, r.partition());
        break;
      case 't':
        absl::StrAppend(&out, r.timestamp_ms());
        break;
    }
  }
  out.push_back('\n');
  return out;
}

}  // namespace rtai::cli
