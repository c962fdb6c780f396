#include "cli/args.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rtai::cli {

std::string ParsedArgs::Get(const std::string& name,
                            const std::string& fallback) const {
  auto range = values.equal_range(name);
  if (range.first == range.second) return fallback;
  return std::prev(range.second)->second;
}

absl::StatusOr<int64_t> ParsedArgs::GetInt(const std::string& name,
                                           int64_t fallback) const {
  if (values.count(name) == 0) return fallback;
  int64_t v = 0;
  const std::string s = Get(name);
  if (!absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " wants an integer, got \"", s, "\""));
  }
  return v;
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  auto range = values.equal_range(name);
  for (auto it = range.first; it != range.second; ++it)
    out.push_back(it->second);
  return out;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const ArgSpec& spec) {
  ParsedArgs out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-' || a == "-") {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      out.flags.insert("help");
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", a));
    }
    std::string name = a.substr(2);
    std::string value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (spec.bool_flags.count(name) != 0) {
      if (inline_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value"));
      }
      out.flags.insert(name);
    } else if (spec.value_options.count(name) != 0) {
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " needs a value"));
        }
        value = args[++i];
      }
      out.values.emplace(name, value);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name));
    }
  }
  return out;
}

}  // namespace rtai::cli
