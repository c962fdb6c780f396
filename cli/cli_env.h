#pragma once
// What every rtai-cli command gets: the BrokerService stub, the server
// address (for messages) and the standard streams (injected for tests).

#include <chrono>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "proto/broker.grpc.pb.h"

namespace rtai::cli {

struct CliEnv {
  v1::BrokerService::StubInterface* stub = nullptr;
  std::string server;  // host:port, for messages
  // How to reach `server` (TLS, bearer token); insecure when null.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

// A failed RPC as a one-line error: "<message> [CODE]", or "cannot reach
// rtaid at <server>: ..." when the server is unreachable.
absl::Status RpcError(const CliEnv& env, const grpc::Status& status);

// env.credentials, or insecure credentials when unset.
inline std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const CliEnv& env) {
  return env.credentials != nullptr ? env.credentials : grpc::InsecureChannelCredentials();
}

// Sets a deadline of `ms` on a unary call's context.
inline void SetDeadline(grpc::ClientContext& ctx, int64_t ms) {
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(ms));
}
inline constexpr int64_t kRpcDeadlineMs = 60000;

// Command groups. `args` excludes the command word itself.
absl::Status RunTopicCommand(CliEnv& env, const std::vector<std::string>& args);
absl::Status RunJobCommand(CliEnv& env, const std::vector<std::string>& args);
absl::Status RunProduceCommand(CliEnv& env,
                               const std::vector<std::string>& args);
absl::Status RunConsumeCommand(CliEnv& env,
                               const std::vector<std::string>& args);

}  // namespace rtai::cli
