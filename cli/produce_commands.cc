// rtai-cli produce: one record per stdin line, batched into Produce calls.

#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "cli/args.h"
#include "cli/cli_env.h"

namespace rtai::cli {
namespace {

constexpr char kProduceHelp[] =
    "usage: rtai-cli produce TOPIC [--partition P] [--key-separator SEP]\n"
    "                        [--acks all|leader|none] [--batch-records N]\n"
    "Reads one record per line from stdin and produces it to TOPIC.\n"
    "  --partition P       send every record to partition P (default: by key\n"
    "                      with Kafka's murmur2 partitioner, round-robin if "
    "unkeyed)\n"
    "  --key-separator SEP split each line at the first SEP into key and "
    "value\n"
    "  --acks              all (default: durable before ack), leader, none\n"
    "  --batch-records N   records per Produce call (default 1000)\n"
    "Prints a summary to stderr.\n";

// Bytes of values per Produce call; well under the 16 MiB message limit.
constexpr int64_t kMaxRequestBytes = 4 << 20;

absl::StatusOr<v1::Acks> ParseAcks(const std::string& s) {
  if (s == "all" || s == "-1") return v1::ACKS_ALL;
  if (s == "leader" || s == "1") return v1::ACKS_LEADER;
  if (s == "none" || s == "0") return v1::ACKS_NONE;
  return absl::InvalidArgumentError(
      absl::StrCat("--acks wants all, leader or none, got \"", s, "\""));
}

struct Totals {
  int64_t records = 0;
  int64_t requests = 0;
};

absl::Status Send(CliEnv& env, v1::ProduceRequest& req, Totals& totals) {
  if (req.records_size() == 0) return absl::OkStatus();
  grpc::ClientContext ctx;
  SetDeadline(ctx, kRpcDeadlineMs);
  v1::ProduceResponse resp;
  grpc::Status s = env.stub->Produce(&ctx, req, &resp);
  if (!s.ok()) return RpcError(env, s);
  totals.records += req.records_size();
  totals.requests += 1;
  req.clear_records();
  return absl::OkStatus();
}

}  // namespace

absl::Status RunProduceCommand(CliEnv& env,
                               const std::vector<std::string>& args) {
  ArgSpec spec{{"partition", "key-separator", "acks", "batch-records"}, {}};
  ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs(args, spec));
  if (a.Has("help")) {
    *env.out << kProduceHelp;
    return absl::OkStatus();
  }
  if (a.positional.size() != 1) {
    return absl::InvalidArgumentError(
        "produce wants exactly one TOPIC; see --help");
  }
  v1::ProduceRequest req;
  req.set_topic(a.positional[0]);
  if (a.Has("partition")) {
    ASSIGN_OR_RETURN(int64_t p, a.GetInt("partition", 0));
    if (p < 0 || p > INT32_MAX)
      return absl::InvalidArgumentError("--partition is out of range");
    req.set_partition(static_cast<int32_t>(p));
  }
  ASSIGN_OR_RETURN(v1::Acks acks, ParseAcks(a.Get("acks", "all")));
  req.set_acks(acks);
  ASSIGN_OR_RETURN(int64_t batch, a.GetInt("batch-records", 1000));
  if (batch < 1 || batch > 100000) {
    return absl::InvalidArgumentError("--batch-records must be in [1, 100000]");
  }
  const bool keyed = a.Has("key-separator");
  const std::string sep = a.Get("key-separator");
  if (keyed && sep.empty())
    return absl::InvalidArgumentError("--key-separator is empty");

  Totals totals;
  int64_t line_no = 0;
  int64_t request_bytes = 0;
  std::string line;
  while (std::getline(*env.in, line)) {
    ++line_no;
    v1::Record* r = req.add_records();
    if (keyed) {
      const size_t pos = line.find(sep);
      if (pos == std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", line_no, " has no key separator \"", sep, "\" (",
            totals.records, " records produced before it)"));
      }
      r->set_key(line.substr(0, pos));
      r->set_value(line.substr(pos + sep.size()));
    } else {
      r->set_value(line);
    }
    request_bytes += static_cast<int64_t>(line.size());
    if (req.records_size() >= batch || request_bytes >= kMaxRequestBytes) {
      RETURN_IF_ERROR(Send(env, req, totals));
      request_bytes = 0;
    }
  }
  RETURN_IF_ERROR(Send(env, req, totals));
  // One write, so the line never interleaves with other processes' output.
  *env.err << absl::StrCat(
      "produced ", totals.records, totals.records == 1 ? " record" : " records",
      " to ", a.positional[0], " in ", totals.requests,
      totals.requests == 1 ? " request" : " requests", "\n");
  return absl::OkStatus();
}

}  // namespace rtai::cli
