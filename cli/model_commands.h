#pragma once
// rtai-cli model register|list|describe|promote|rollback (ModelService) and
// rtai-cli fraud generate (the demo's transaction generator, producing
// through BrokerService). Kept apart from cli_env.h: these commands open
// their own ModelService stub on env.server.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/cli_env.h"

namespace rtai::cli {

absl::Status RunModelCommand(CliEnv& env, const std::vector<std::string>& args);

}  // namespace rtai::cli
