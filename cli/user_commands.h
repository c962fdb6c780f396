#pragma once
// `rtai-cli user ...`: manage principals (users with SCRAM credentials,
// bearer tokens, roles). With --data-dir it edits the principals file
// directly, with or without rtaid running (rtaid re-reads it when it
// changes; writes are atomic under an exclusive lock) — this is how the
// first admin is made. Without, it calls rtaid's AdminService (admin token
// over TLS). See docs/SECURITY.md.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/cli_env.h"

namespace rtai::cli {

absl::Status RunUserCommand(CliEnv& env, const std::vector<std::string>& args);

}  // namespace rtai::cli
