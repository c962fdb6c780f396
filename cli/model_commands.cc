// rtai-cli model register|list|describe|promote|rollback.

#include "cli/model_commands.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "cli/args.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/model_service.grpc.pb.h"

namespace rtai::cli {
namespace {

constexpr char kModelHelp[] =
    "usage: rtai-cli model <command> [options]\n"
    "commands:\n"
    "  register FILE --name NAME [--format F] [--metric key=value]...\n"
    "  list\n"
    "  describe NAME | NAME@VERSION | NAME@champion\n"
    "  promote NAME@VERSION\n"
    "  rollback NAME\n"
    "Formats: xgboost-json, xgboost-ubj, rtai-linear (default: guessed).\n"
    "Jobs reference models as NAME (the champion), NAME@champion or\n"
    "NAME@VERSION.\n";
constexpr int64_t kMaxFileBytes = 16 << 20;  // rtaid's gRPC message limit

struct ModelEnv {
  CliEnv& env;
  std::unique_ptr<v1::ModelService::Stub> stub;
};

std::string Describe(const v1::ModelVersionInfo& v) {
  std::string metrics;
  for (const auto& [k, value] : v.metrics()) {
    absl::StrAppend(&metrics, metrics.empty() ? "" : " ", k, "=",
                    absl::StrFormat("%g", value));
  }
  return absl::StrCat("version ", v.version(), "  ", v.stage(), "  ",
                      v.format(), "  ", v.size_bytes(), " bytes  sha256 ",
                      v.sha256(), "  created_ms ", v.created_ms(),
                      metrics.empty() ? "" : "  ", metrics);
}

absl::StatusOr<std::string> OneArg(const ParsedArgs& a, const char* what) {
  if (a.positional.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", what));
  }
  return a.positional[0];
}

absl::StatusOr<std::string> ReadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  in.seekg(0, std::ios::end);
  const int64_t size = in.tellg();
  if (size > kMaxFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is ", size, " bytes; models are limited to ", kMaxFileBytes));
  }
  in.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) {
    return absl::DataLossError(absl::StrCat("cannot read ", path));
  }
  return bytes;
}

absl::Status Register(ModelEnv& m, const ParsedArgs& a) {
  ASSIGN_OR_RETURN(std::string path, OneArg(a, "one model FILE"));
  if (!a.Has("name")) {
    return absl::InvalidArgumentError("model register needs --name NAME");
  }
  v1::RegisterModelRequest req;
  ASSIGN_OR_RETURN(*req.mutable_model(), ReadModelFile(path));
  req.set_name(a.Get("name"));
  req.set_format(a.Get("format"));
  for (const std::string& kv : a.GetAll("metric")) {
    const size_t eq = kv.find('=');
    double value = 0;
    if (eq == std::string::npos || eq == 0 ||
        !absl::SimpleAtod(kv.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--metric wants key=number, got \"", kv, "\""));
    }
    (*req.mutable_metrics())[kv.substr(0, eq)] = value;
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::RegisterModelResponse resp;
  grpc::Status s = m.stub->RegisterModel(&ctx, req, &resp);
  if (!s.ok()) return RpcError(m.env, s);
  *m.env.out << (resp.deduplicated() ? "already registered " : "registered ")
             << resp.name() << "@" << resp.version().version() << "  "
             << resp.version().format() << "  sha256 "
             << resp.version().sha256() << "\n";
  return absl::OkStatus();
}

absl::Status List(ModelEnv& m, const ParsedArgs& a) {
  if (!a.positional.empty()) {
    return absl::InvalidArgumentError("model list takes no arguments");
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::ListModelsResponse resp;
  grpc::Status s = m.stub->ListModels(&ctx, v1::ListModelsRequest(), &resp);
  if (!s.ok()) return RpcError(m.env, s);
  for (const v1::ModelSummary& x : resp.models()) {
    *m.env.out << x.name() << "  champion "
               << (x.champion() ? absl::StrCat(x.champion()) : "-")
               << "  latest " << x.latest_version() << "  versions "
               << x.version_count() << "\n";
  }
  return absl::OkStatus();
}

absl::Status DescribeCmd(ModelEnv& m, const ParsedArgs& a) {
  v1::DescribeModelRequest req;
  ASSIGN_OR_RETURN(*req.mutable_ref(),
                   OneArg(a, "NAME, NAME@VERSION or NAME@champion"));
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::DescribeModelResponse resp;
  grpc::Status s = m.stub->DescribeModel(&ctx, req, &resp);
  if (!s.ok()) return RpcError(m.env, s);
  *m.env.out << "model " << resp.name() << "  champion "
             << (resp.champion() ? absl::StrCat(resp.champion()) : "-")
             << "  previous champions ["
             << absl::StrJoin(resp.previous_champions(), ", ") << "]\n";
  for (const auto& v : resp.versions()) *m.env.out << Describe(v) << "\n";
  return absl::OkStatus();
}

absl::Status Promote(ModelEnv& m, const ParsedArgs& a) {
  v1::PromoteModelRequest req;
  ASSIGN_OR_RETURN(*req.mutable_ref(), OneArg(a, "NAME@VERSION"));
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::PromoteModelResponse resp;
  grpc::Status s = m.stub->PromoteModel(&ctx, req, &resp);
  if (!s.ok()) return RpcError(m.env, s);
  *m.env.out << "promoted " << resp.name() << "@" << resp.version().version()
             << " to champion";
  if (resp.previous_champion() != 0) {
    *m.env.out << " (was " << resp.name() << "@" << resp.previous_champion()
               << ")";
  }
  *m.env.out << "\n";
  return absl::OkStatus();
}

absl::Status Rollback(ModelEnv& m, const ParsedArgs& a) {
  v1::RollbackModelRequest req;
  ASSIGN_OR_RETURN(*req.mutable_name(), OneArg(a, "one model NAME"));
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::RollbackModelResponse resp;
  grpc::Status s = m.stub->RollbackModel(&ctx, req, &resp);
  if (!s.ok()) return RpcError(m.env, s);
  *m.env.out << "rolled back " << resp.name() << ": champion is now "
             << resp.name() << "@" << resp.version().version() << " (was "
             << resp.name() << "@" << resp.archived_version() << ")\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunModelCommand(CliEnv& env,
                             const std::vector<std::string>& args) {
  if (args.empty()) {
    return absl::InvalidArgumentError(
        "model: missing command (register, list, describe, promote, "
        "rollback); see --help");
  }
  if (args[0] == "--help" || args[0] == "-h") {
    *env.out << kModelHelp;
    return absl::OkStatus();
  }
  struct Sub {
    const char* name;
    ArgSpec spec;
    absl::Status (*run)(ModelEnv&, const ParsedArgs&);
  };
  const Sub subs[] = {
      {"register", {{"name", "format", "metric"}, {}}, Register},
      {"list", {}, List},
      {"describe", {}, DescribeCmd},
      {"promote", {}, Promote},
      {"rollback", {}, Rollback},
  };
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const Sub& sub : subs) {
    if (args[0] != sub.name) continue;
    ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs(rest, sub.spec));
    if (a.Has("help")) {
      *env.out << kModelHelp;
      return absl::OkStatus();
    }
    grpc::ChannelArguments channel_args;
    channel_args.SetMaxReceiveMessageSize(kMaxFileBytes);
    channel_args.SetMaxSendMessageSize(kMaxFileBytes);
    ModelEnv m{env, v1::ModelService::NewStub(grpc::CreateCustomChannel(
                        env.server, ChannelCredentials(env),
                        channel_args))};
    return sub.run(m, a);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown model command \"", args[0],
                   "\" (register, list, describe, promote, rollback)"));
}

}  // namespace rtai::cli
