#pragma once
// rtai-cli fraud generate: writes the fraud demo's generated transactions
// (and their delayed labels) to topics through BrokerService, or to local
// JSON-lines files. A thin wrapper over engine/ml/fraud.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/cli_env.h"

namespace rtai::cli {

absl::Status RunFraudCommand(CliEnv& env, const std::vector<std::string>& args);

}  // namespace rtai::cli
