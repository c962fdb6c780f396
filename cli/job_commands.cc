// rtai-cli job submit|list|status|cancel|savepoint (the engine's gRPC JobService).

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "cli/args.h"
#include "cli/cli_env.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/job_service.grpc.pb.h"

namespace rtai::cli {
namespace {

constexpr char kJobHelp[] =
    "usage: rtai-cli job <command> [options]\n"
    "commands:\n"
    "  submit FILE.json [--from-savepoint SP]\n"
    "                     validate and start a job graph (docs/JOBS.md); prints its id;\n"
    "                     with a savepoint id, its operator state is restored (matched by uid)\n"
    "  list               jobs with their state\n"
    "  status ID          state, error, per-operator metrics and checkpoint history\n"
    "  savepoint ID       take a savepoint of a running job; prints its id\n"
    "  cancel ID [--savepoint]\n"
    "                     stop a job (it is not resubmitted on restart); with --savepoint,\n"
    "                     take a savepoint first and print its id\n"
    "Savepoints are kept by rtaid under <data_dir>/savepoints/ and named by id\n"
    "(docs/CHECKPOINTS.md).\n";
constexpr size_t kMaxGraphBytes = 4 << 20;

const char* StateName(job::JobState s) {
  switch (s) {
    case job::RUNNING: return "RUNNING";
    case job::FINISHED: return "FINISHED";
    case job::FAILED: return "FAILED";
    case job::CANCELED: return "CANCELED";
    default: return "UNKNOWN";
  }
}

std::string Watermark(int64_t wm) {
  if (wm == INT64_MIN) return "-";
  if (wm == INT64_MAX) return "end";
  return absl::StrCat(wm);
}

absl::StatusOr<std::string> ReadGraphFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string data(kMaxGraphBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > kMaxGraphBytes) return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 4 MiB"));
  return data;
}

const char* CheckpointStateName(job::CheckpointState s) {
  switch (s) {
    case job::IN_PROGRESS: return "IN_PROGRESS";
    case job::COMPLETED: return "COMPLETED";
    case job::ABORTED: return "ABORTED";
    default: return "UNKNOWN";
  }
}

void PrintCheckpoints(CliEnv& env, const job::JobStatus& s) {
  if (s.restarts() > 0) {
    *env.out << "restarts: " << s.restarts() << " (last failure: " << s.last_failure() << ")\n";
  }
  if (s.restored_checkpoint_id() > 0) {
    *env.out << "restored from checkpoint " << s.restored_checkpoint_id() << "\n";
  }
  if (s.checkpoints().empty()) return;
  *env.out << absl::StrFormat("%-8s %-11s %-9s %11s %12s %12s  %s\n", "CHECKPT", "STATE", "KIND",
                              "DURATION_MS", "SIZE_BYTES", "ALIGN_MS", "FAILURE");
  for (const job::CheckpointInfo& c : s.checkpoints()) {
    *env.out << absl::StrFormat("%-8d %-11s %-9s %11d %12d %12d  %s\n", c.id(),
                                CheckpointStateName(c.state()),
                                c.savepoint() ? "savepoint" : "periodic", c.duration_ms(),
                                c.size_bytes(), c.alignment_ms(), c.failure());
  }
}

void PrintStatus(CliEnv& env, const job::JobStatus& s) {
  *env.out << "job " << s.job_id() << " (" << s.name() << "): " << StateName(s.state()) << "\n";
  if (!s.error().empty()) *env.out << "error: " << s.error() << "\n";
  *env.out << absl::StrFormat("%-16s %-18s %4s %12s %12s %9s %14s %6s\n", "OPERATOR", "KIND",
                              "PAR", "IN", "OUT", "DROPPED", "WATERMARK", "BP");
  for (const job::OperatorMetrics& m : s.operators()) {
    *env.out << absl::StrFormat("%-16s %-18s %4d %12d %12d %9d %14s %5.0f%%\n", m.uid(),
                                m.operator_(), m.parallelism(), m.records_in(), m.records_out(),
                                m.records_dropped(), Watermark(m.watermark_ms()),
                                100 * m.backpressure());
  }
  PrintCheckpoints(env, s);
}

absl::Status Run(CliEnv& env, const std::string& cmd, const ParsedArgs& a) {
  auto channel = grpc::CreateChannel(env.server, ChannelCredentials(env));
  auto stub = job::JobService::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  const size_t want = cmd == "list" ? 0 : 1;
  if (a.positional.size() != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "job ", cmd, ": expected ", want == 0 ? "no arguments" : (cmd == "submit" ? "FILE.json" : "a job ID")));
  }
  if (cmd == "submit") {
    ASSIGN_OR_RETURN(std::string json, ReadGraphFile(a.positional[0]));
    job::SubmitJobRequest req;
    req.set_from_savepoint(a.Get("from-savepoint"));
    google::protobuf::util::JsonParseOptions opts;
    opts.ignore_unknown_fields = false;
    const auto parsed = google::protobuf::util::JsonStringToMessage(json, req.mutable_graph(), opts);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(a.positional[0], ": job graph JSON: ",
                                                     std::string(parsed.message())));
    }
    job::SubmitJobResponse resp;
    if (auto s = stub->SubmitJob(&ctx, req, &resp); !s.ok()) return RpcError(env, s);
    *env.out << resp.job_id() << "\n";
  } else if (cmd == "list") {
    job::ListJobsResponse resp;
    if (auto s = stub->ListJobs(&ctx, {}, &resp); !s.ok()) return RpcError(env, s);
    for (const job::JobStatus& j : resp.jobs()) {
      *env.out << absl::StrFormat("%-12s %-9s %s\n", j.job_id(), StateName(j.state()), j.name());
    }
  } else if (cmd == "status") {
    job::GetJobRequest req;
    req.set_job_id(a.positional[0]);
    job::GetJobResponse resp;
    if (auto s = stub->GetJob(&ctx, req, &resp); !s.ok()) return RpcError(env, s);
    PrintStatus(env, resp.status());
  } else if (cmd == "savepoint") {
    job::TriggerSavepointRequest req;
    req.set_job_id(a.positional[0]);
    job::TriggerSavepointResponse resp;
    if (auto s = stub->TriggerSavepoint(&ctx, req, &resp); !s.ok()) return RpcError(env, s);
    *env.out << resp.savepoint_id() << "\n";
  } else {
    job::CancelJobRequest req;
    req.set_job_id(a.positional[0]);
    req.set_savepoint(a.Has("savepoint"));
    job::CancelJobResponse resp;
    if (auto s = stub->CancelJob(&ctx, req, &resp); !s.ok()) return RpcError(env, s);
    if (!resp.savepoint_id().empty()) *env.out << "savepoint " << resp.savepoint_id() << "\n";
    *env.out << "job " << resp.status().job_id() << ": " << StateName(resp.status().state()) << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunJobCommand(CliEnv& env, const std::vector<std::string>& args) {
  if (args.empty()) {
    return absl::InvalidArgumentError("job: missing command (submit, list, status, cancel, savepoint); see --help");
  }
  if (args[0] == "--help" || args[0] == "-h") {
    *env.out << kJobHelp;
    return absl::OkStatus();
  }
  const std::string& cmd = args[0];
  if (cmd != "submit" && cmd != "list" && cmd != "status" && cmd != "cancel" &&
      cmd != "savepoint") {
    return absl::InvalidArgumentError(absl::StrCat("job: unknown command `", cmd, "`; see --help"));
  }
  ArgSpec spec;
  if (cmd == "submit") spec.value_options.insert("from-savepoint");
  if (cmd == "cancel") spec.bool_flags.insert("savepoint");
  ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs({args.begin() + 1, args.end()}, spec));
  if (a.Has("help")) {
    *env.out << kJobHelp;
    return absl::OkStatus();
  }
  return Run(env, cmd, a);
}

}  // namespace rtai::cli
