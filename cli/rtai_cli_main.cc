// rtai-cli: the command-line client of rtaid (gRPC BrokerService).
//   rtai-cli [--server HOST:PORT] <topic|produce|consume> ... [--help]
// Exit status: 0 on success, 1 on any error (one line on stderr:
// "rtai-cli: error: ..."), 2 when no command is given (usage printed).

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "cli/cli_env.h"
#include "cli/client_credentials.h"
#include "cli/fraud_commands.h"
#include "cli/model_commands.h"
#include "cli/user_commands.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace {

constexpr char kUsage[] =
    "usage: rtai-cli [--server HOST:PORT] <command> [options]\n"
    "commands:\n"
    "  topic create|list|describe|delete   manage topics\n"
    "  produce TOPIC                       produce stdin lines as records\n"
    "  consume TOPIC                       print records as they arrive\n"
    "  job submit|list|status|cancel       manage dataflow jobs\n"
    "  model register|list|describe|promote|rollback   model registry\n"
    "  fraud generate | report             fraud demo data; the demo report\n"
    "  user create|token|delete|list       principals of a data dir (local)\n"
    "global options:\n"
    "  --server HOST:PORT   rtaid's gRPC address (env RTAI_SERVER,\n"
    "                       default 127.0.0.1:50051)\n"
    "  --tls-ca FILE        TLS to rtaid, trusting this CA (env RTAI_TLS_CA)\n"
    "  --tls-cert FILE --tls-key FILE   client certificate (mutual TLS;\n"
    "                       env RTAI_TLS_CERT, RTAI_TLS_KEY)\n"
    "  --token TOKEN        bearer token from 'rtai-cli user token' (env\n"
    "                       RTAI_TOKEN; needs --tls-ca)\n"
    "Run 'rtai-cli <command> --help' for a command's options.\n";

int Fail(const absl::Status& s) {
  std::cout.flush();
  std::cerr << "rtai-cli: error: "
            << absl::StrReplaceAll(s.message(), {{"\n", " "}}) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);  // stdin lines are read at full speed
  std::string server = "127.0.0.1:50051";
  if (const char* env = std::getenv("RTAI_SERVER"); env != nullptr && *env)
    server = env;
  std::vector<std::string> args;
  rtai::cli::ClientSecurity security;
  const std::pair<const char*, std::string*> kSecurityOptions[] = {
      {"--tls-ca", &security.tls_ca_file},
      {"--tls-cert", &security.tls_cert_file},
      {"--tls-key", &security.tls_key_file},
      {"--token", &security.token}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool taken = false;
    for (const auto& [name, field] : kSecurityOptions) {
      const std::string eq = std::string(name) + "=";
      if (a == name && i + 1 < argc) {
        *field = argv[++i];
        taken = true;
      } else if (a.rfind(eq, 0) == 0) {
        *field = a.substr(eq.size());
        taken = true;
      }
    }
    if (taken) continue;
    if (a == "--server" && i + 1 < argc) {
      server = argv[++i];
    } else if (a.rfind("--server=", 0) == 0) {
      server = a.substr(9);
    } else if (a == "--server") {
      return Fail(absl::InvalidArgumentError("--server needs HOST:PORT"));
    } else {
      args.push_back(std::move(a));
    }
  }
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return 0;
  }
  grpc::ChannelArguments channel_args;
  const int max_bytes = 16 << 20;  // as rtaid (BrokerServiceLimits)
  channel_args.SetMaxReceiveMessageSize(max_bytes);
  channel_args.SetMaxSendMessageSize(max_bytes);
  rtai::cli::SecurityFromEnv(&security);
  auto credentials = rtai::cli::MakeChannelCredentials(security);
  if (!credentials.ok()) return Fail(credentials.status());
  auto channel = grpc::CreateCustomChannel(server, *credentials, channel_args);
  auto stub = rtai::v1::BrokerService::NewStub(channel);
  rtai::cli::CliEnv env{stub.get(), server, *credentials, &std::cin, &std::cout, &std::cerr};
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  absl::Status s;
  if (args[0] == "topic") {
    s = rtai::cli::RunTopicCommand(env, rest);
  } else if (args[0] == "job") {
    s = rtai::cli::RunJobCommand(env, rest);
  } else if (args[0] == "produce") {
    s = rtai::cli::RunProduceCommand(env, rest);
  } else if (args[0] == "consume") {
    s = rtai::cli::RunConsumeCommand(env, rest);
  } else if (args[0] == "model") {
    s = rtai::cli::RunModelCommand(env, rest);
  } else if (args[0] == "user") {
    s = rtai::cli::RunUserCommand(env, rest);
  } else if (args[0] == "fraud") {
    s = rtai::cli::RunFraudCommand(env, rest);
  } else {
    s = absl::InvalidArgumentError("unknown command \"" + args[0] +
                                   "\" (topic, produce, consume); see --help");
  }
  std::cout.flush();
  return s.ok() ? 0 : Fail(s);
}
