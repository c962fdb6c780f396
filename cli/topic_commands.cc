// rtai-cli topic create|list|describe|delete.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "cli/args.h"
#include "cli/cli_env.h"

namespace rtai::cli {
namespace {

constexpr char kTopicHelp[] =
    "usage: rtai-cli topic <command> [options]\n"
    "commands:\n"
    "  create NAME [--partitions N] [--config key=value]...\n"
    "  list\n"
    "  describe NAME\n"
    "  delete NAME\n"
    "Run 'rtai-cli topic <command> --help' for details.\n";
constexpr char kCreateHelp[] =
    "usage: rtai-cli topic create NAME [--partitions N] [--config "
    "key=value]...\n"
    "Creates a topic. --partitions defaults to 1. Configs use Kafka names:\n"
    "  retention.ms retention.bytes segment.bytes segment.ms "
    "max.message.bytes\n"
    "  flush.policy (per-write|interval) flush.ms index.interval.bytes\n"
    "  cleanup.policy (delete)\n";
constexpr char kListHelp[] =
    "usage: rtai-cli topic list\nPrints topic names, one per line.\n";
constexpr char kDescribeHelp[] =
    "usage: rtai-cli topic describe NAME\n"
    "Prints the topic's id, configs and per-partition leader, leader epoch,\n"
    "offsets (log start, high watermark, log end), size and segments.\n";
constexpr char kDeleteHelp[] =
    "usage: rtai-cli topic delete NAME\nDeletes the topic and all its data.\n";

absl::StatusOr<std::string> OneName(const ParsedArgs& a, const char* usage) {
  if (a.positional.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected exactly one topic name; ", usage));
  }
  return a.positional[0];
}

absl::Status Create(CliEnv& env, const ParsedArgs& a) {
  ASSIGN_OR_RETURN(std::string name,
                   OneName(a, "usage: topic create NAME [--partitions N]"));
  ASSIGN_OR_RETURN(int64_t partitions, a.GetInt("partitions", 1));
  v1::CreateTopicRequest req;
  req.set_name(name);
  req.set_partitions(static_cast<int32_t>(
      std::clamp<int64_t>(partitions, INT32_MIN, INT32_MAX)));
  for (const std::string& kv : a.GetAll("config")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--config wants key=value, got \"", kv, "\""));
    }
    (*req.mutable_configs())[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::CreateTopicResponse resp;
  grpc::Status s = env.stub->CreateTopic(&ctx, req, &resp);
  if (!s.ok()) return RpcError(env, s);
  *env.out << "created topic " << name << " with " << partitions << " partition"
           << (partitions == 1 ? "" : "s") << "\n";
  return absl::OkStatus();
}

absl::Status List(CliEnv& env, const ParsedArgs& a) {
  if (!a.positional.empty()) {
    return absl::InvalidArgumentError("topic list takes no arguments");
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::ListTopicsResponse resp;
  grpc::Status s = env.stub->ListTopics(&ctx, v1::ListTopicsRequest(), &resp);
  if (!s.ok()) return RpcError(env, s);
  for (const std::string& n : resp.names()) *env.out << n << "\n";
  return absl::OkStatus();
}

absl::Status Describe(CliEnv& env, const ParsedArgs& a) {
  ASSIGN_OR_RETURN(std::string name, OneName(a, "usage: topic describe NAME"));
  v1::DescribeTopicRequest req;
  req.set_name(name);
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::DescribeTopicResponse resp;
  grpc::Status s = env.stub->DescribeTopic(&ctx, req, &resp);
  if (!s.ok()) return RpcError(env, s);
  std::map<std::string, std::string> configs(resp.configs().begin(),
                                             resp.configs().end());
  *env.out << "topic " << resp.name() << "  id " << resp.topic_id()
           << "  partitions " << resp.partitions_size() << "\n";
  *env.out << "configs "
           << (configs.empty()
                   ? "(broker defaults)"
                   : absl::StrJoin(configs, " ", absl::PairFormatter("=")))
           << "\n";
  for (const v1::PartitionInfo& p : resp.partitions()) {
    *env.out << "partition " << p.partition() << "  leader " << p.leader()
             << "  epoch " << p.leader_epoch() << "  start "
             << p.log_start_offset() << "  hw " << p.high_watermark()
             << "  end " << p.log_end_offset() << "  bytes " << p.size_bytes()
             << "  segments " << p.segment_count() << "\n";
  }
  return absl::OkStatus();
}

absl::Status Delete(CliEnv& env, const ParsedArgs& a) {
  ASSIGN_OR_RETURN(std::string name, OneName(a, "usage: topic delete NAME"));
  v1::DeleteTopicRequest req;
  req.set_name(name);
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::DeleteTopicResponse resp;
  grpc::Status s = env.stub->DeleteTopic(&ctx, req, &resp);
  if (!s.ok()) return RpcError(env, s);
  *env.out << "deleted topic " << name << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunTopicCommand(CliEnv& env,
                             const std::vector<std::string>& args) {
  if (args.empty()) {
    return absl::InvalidArgumentError(
        "topic: missing command (create, list, describe, delete); see --help");
  }
  if (args[0] == "--help" || args[0] == "-h") {
    *env.out << kTopicHelp;
    return absl::OkStatus();
  }
  const std::string& cmd = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  struct Sub {
    const char* name;
    const char* help;
    ArgSpec spec;
    absl::Status (*run)(CliEnv&, const ParsedArgs&);
  };
  const Sub subs[] = {
      {"create", kCreateHelp, {{"partitions", "config"}, {}}, Create},
      {"list", kListHelp, {}, List},
      {"describe", kDescribeHelp, {}, Describe},
      {"delete", kDeleteHelp, {}, Delete},
  };
  for (const Sub& sub : subs) {
    if (cmd != sub.name) continue;
    ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs(rest, sub.spec));
    if (a.Has("help")) {
      *env.out << sub.help;
      return absl::OkStatus();
    }
    return sub.run(env, a);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown topic command \"", cmd, "\" (create, list, describe, delete)"));
}

}  // namespace rtai::cli
