// rtai-cli consume: streams records of a topic (Subscribe) to stdout.

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "cli/args.h"
#include "cli/cli_env.h"
#include "cli/record_format.h"

namespace rtai::cli {
namespace {

constexpr char kConsumeHelp[] =
    "usage: rtai-cli consume TOPIC [--from-beginning | --offset N] "
    "[--partition P]\n"
    "                        [--max-messages N] [--timeout-ms T] [--format "
    "FMT]\n"
    "Prints records of TOPIC as they arrive (every partition unless "
    "--partition).\n"
    "  --from-beginning  start at each partition's log start (default: only "
    "new records)\n"
    "  --offset N        start at offset N in every consumed partition\n"
    "  --max-messages N  exit after N records\n"
    "  --timeout-ms T    exit when no record arrives for T ms (default: "
    "never)\n"
    "  --format FMT      %k key, %v value, %o offset, %p partition, %t "
    "timestamp (ms),\n"
    "                    %% a percent sign; \\n \\t escapes. Default: '%v'\n";

// Cancels the stream when no record arrives for `timeout_ms`.
class IdleWatchdog {
 public:
  IdleWatchdog(grpc::ClientContext* ctx, int64_t timeout_ms)
      : ctx_(ctx), timeout_ms_(timeout_ms) {
    if (timeout_ms_ >= 0) thread_ = std::thread([this] { Run(); });
  }
  ~IdleWatchdog() {
    {
      absl::MutexLock l(&mu_);
      finished_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  void Activity() {
    absl::MutexLock l(&mu_);
    ++activity_;
  }
  bool fired() {
    absl::MutexLock l(&mu_);
    return fired_;
  }

 private:
  void Run() {
    absl::MutexLock l(&mu_);
    while (!finished_) {
      const int64_t seen = activity_;
      auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return finished_ || activity_ != seen;
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&changed),
                                absl::Milliseconds(timeout_ms_))) {
        fired_ = true;
        ctx_->TryCancel();
        return;
      }
    }
  }

  grpc::ClientContext* const ctx_;
  const int64_t timeout_ms_;
  absl::Mutex mu_;
  int64_t activity_ ABSL_GUARDED_BY(mu_) = 0;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool fired_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

absl::StatusOr<v1::SubscribeRequest> BuildRequest(const ParsedArgs& a) {
  if (a.positional.size() != 1) {
    return absl::InvalidArgumentError(
        "consume wants exactly one TOPIC; see --help");
  }
  v1::SubscribeRequest req;
  req.set_topic(a.positional[0]);
  if (a.Has("from-beginning") && a.Has("offset")) {
    return absl::InvalidArgumentError(
        "--from-beginning and --offset exclude each other");
  }
  if (a.Has("from-beginning")) req.set_start(v1::SubscribeRequest::EARLIEST);
  if (a.Has("offset")) {
    ASSIGN_OR_RETURN(int64_t offset, a.GetInt("offset", 0));
    if (offset < 0) return absl::InvalidArgumentError("--offset must be >= 0");
    req.set_start(v1::SubscribeRequest::OFFSET);
    req.set_start_offset(offset);
  }
  if (a.Has("partition")) {
    ASSIGN_OR_RETURN(int64_t p, a.GetInt("partition", 0));
    if (p < 0 || p > INT32_MAX)
      return absl::InvalidArgumentError("--partition is out of range");
    req.add_partitions(static_cast<int32_t>(p));
  }
  return req;
}

}  // namespace

absl::Status RunConsumeCommand(CliEnv& env,
                               const std::vector<std::string>& args) {
  ArgSpec spec{{"offset", "partition", "max-messages", "timeout-ms", "format"},
               {"from-beginning"}};
  ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs(args, spec));
  if (a.Has("help")) {
    *env.out << kConsumeHelp;
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::SubscribeRequest req, BuildRequest(a));
  ASSIGN_OR_RETURN(int64_t max_messages, a.GetInt("max-messages", -1));
  ASSIGN_OR_RETURN(int64_t timeout_ms, a.GetInt("timeout-ms", -1));
  ASSIGN_OR_RETURN(RecordFormat format,
                   RecordFormat::Parse(a.Get("format", "%v")));
  if (max_messages == 0) return absl::OkStatus();

  grpc::ClientContext ctx;
  auto reader = env.stub->Subscribe(&ctx, req);
  int64_t count = 0;
  bool reached_max = false;
  {
    IdleWatchdog watchdog(&ctx, timeout_ms);
    v1::SubscribeResponse resp;
    while (!reached_max && reader->Read(&resp)) {
      watchdog.Activity();
      for (const v1::FetchedRecord& r : resp.records()) {
        *env.out << format.Format(r);
        if (++count == max_messages) {
          reached_max = true;
          break;
        }
      }
      env.out->flush();
    }
    if (reached_max) ctx.TryCancel();
    grpc::Status s = reader->Finish();
    if (!s.ok() && !reached_max && !watchdog.fired()) return RpcError(env, s);
  }
  env.out->flush();
  // One write, so the line never interleaves with other processes' output.
  *env.err << absl::StrCat("consumed ", count,
                           count == 1 ? " record" : " records", " from ",
                           req.topic(), "\n");
  return absl::OkStatus();
}

}  // namespace rtai::cli
