#pragma once
// `rtai-cli user ...`: manage the principals file of a data directory
// (users with SCRAM credentials, bearer tokens, roles). Works on the file
// directly, with or without rtaid running (rtaid re-reads it when it
// changes); writes are atomic under an exclusive lock. See
// docs/SECURITY.md for why this is local-only.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/cli_env.h"

namespace rtai::cli {

absl::Status RunUserCommand(CliEnv& env, const std::vector<std::string>& args);

}  // namespace rtai::cli
