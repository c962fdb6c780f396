#pragma once
// A small argv parser for rtai-cli subcommands (absl flags are global and
// fit subcommands badly). Accepts `--name value`, `--name=value`, boolean
// `--flag`, `-h`/`--help` (as the boolean "help"), and `--` to end options.
// Unknown options and missing values are errors naming the option.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rtai::cli {

struct ArgSpec {
  std::set<std::string> value_options;  // names without "--"
  std::set<std::string> bool_flags;     // names without "--"; "help" is implied
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> values;  // repeated options kept
  std::set<std::string> flags;

  bool Has(const std::string& name) const {
    return values.count(name) != 0 || flags.count(name) != 0;
  }
  // The last value given for `name`, or `fallback`.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  // kInvalidArgument naming the option if the value is not an integer.
  absl::StatusOr<int64_t> GetInt(const std::string& name,
                                 int64_t fallback) const;
  std::vector<std::string> GetAll(const std::string& name) const;
};

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const ArgSpec& spec);

}  // namespace rtai::cli
