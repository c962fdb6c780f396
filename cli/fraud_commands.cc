// rtai-cli fraud generate | report.

#include "cli/fraud_commands.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/clock.h"
#include "cli/args.h"
#include "cli/fraud_report.h"
#include "engine/ml/fraud/transaction_generator.h"

namespace rtai::cli {
namespace {

constexpr char kFraudHelp[] =
    "usage: rtai-cli fraud generate [--topic T] [--labels-topic L]\n"
    "         [--out FILE] [--labels-out FILE] [--events N] [--seed S]\n"
    "         [--drift-after N] [--fraud-rate R] [--label-delay-ms MS]\n"
    "         [--cards N] [--peak-rate EVENTS_PER_S]\n"
    "         [--stamp-ingest] [--rate TX_PER_S]\n"
    "       rtai-cli fraud report [--drift-after N] [--scores-topic T]\n"
    "         [--alerts-topic T] [--labels-topic T] [--audit-topic T] [--drift-topic T]\n"
    "Generates N card transactions (JSON lines, schema in docs/MODELS.md)\n"
    "with concept drift after --drift-after transactions, and one label per\n"
    "transaction delayed by --label-delay-ms of event time. Records are keyed\n"
    "by card_id and stamped with their event time. --topic/--labels-topic\n"
    "produce to existing topics; --out/--labels-out write local files.\n"
    "Defaults: --events 200000 --seed 1 --drift-after 100000\n"
    "--fraud-rate 0.02 --label-delay-ms 300000 --cards 2000 --peak-rate 4.\n"
    "--stamp-ingest adds \"ingest_ms\" (wall clock when produced) to each\n"
    "transaction, for latency; --rate paces transactions (0 = as fast as possible).\n"
    "report reads the fraud job's topics (docs/examples/fraud_job.json) and\n"
    "prints throughput, latency, precision/recall before/after the drift,\n"
    "drift detections and model decisions.\n";
constexpr int kBatchRecords = 2000;

// One destination: a topic (batched Produce calls) and/or a file.
class Sink {
 public:
  Sink(CliEnv& env, std::string topic, const std::string& path)
      : env_(env), topic_(std::move(topic)) {
    if (!path.empty()) file_ = std::make_unique<std::ofstream>(path);
    path_ = path;
  }
  absl::Status Open() {
    if (file_ && !*file_) {
      return absl::NotFoundError(absl::StrCat("cannot write ", path_));
    }
    return absl::OkStatus();
  }
  absl::Status Add(const std::string& key, std::string json, int64_t time_ms) {
    if (file_) *file_ << json << "\n";
    if (topic_.empty()) return absl::OkStatus();
    v1::Record* r = req_.add_records();
    r->set_key(key);
    r->set_value(std::move(json));
    r->set_timestamp_ms(time_ms);
    return req_.records_size() >= kBatchRecords ? Flush() : absl::OkStatus();
  }
  absl::Status Flush() {
    if (file_) {
      file_->flush();
      if (!*file_) return absl::DataLossError(absl::StrCat("write ", path_));
    }
    if (req_.records_size() == 0) return absl::OkStatus();
    req_.set_topic(topic_);
    grpc::ClientContext ctx;
    SetDeadline(ctx, kRpcDeadlineMs);
    v1::ProduceResponse resp;
    grpc::Status s = env_.stub->Produce(&ctx, req_, &resp);
    if (!s.ok()) return RpcError(env_, s);
    req_.clear_records();
    return absl::OkStatus();
  }

 private:
  CliEnv& env_;
  std::string topic_;
  std::string path_;
  std::unique_ptr<std::ofstream> file_;
  v1::ProduceRequest req_;
};

absl::StatusOr<double> GetDouble(const ParsedArgs& a, const std::string& name,
                                 double fallback) {
  if (!a.Has(name)) return fallback;
  double d = 0;
  if (!absl::SimpleAtod(a.Get(name), &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " wants a number, got \"", a.Get(name), "\""));
  }
  return d;
}

absl::Status Generate(CliEnv& env, const ParsedArgs& a) {
  if (!a.positional.empty()) {
    return absl::InvalidArgumentError("fraud generate takes no arguments");
  }
  if (!a.Has("topic") && !a.Has("out")) {
    return absl::InvalidArgumentError(
        "fraud generate needs --topic TOPIC or --out FILE");
  }
  ml::FraudGeneratorOptions o;
  ASSIGN_OR_RETURN(const int64_t events, a.GetInt("events", 200000));
  ASSIGN_OR_RETURN(const int64_t seed, a.GetInt("seed", 1));
  ASSIGN_OR_RETURN(o.drift_after_events, a.GetInt("drift-after", 100000));
  ASSIGN_OR_RETURN(o.label_delay_ms,
                   a.GetInt("label-delay-ms", o.label_delay_ms));
  ASSIGN_OR_RETURN(const int64_t cards, a.GetInt("cards", o.num_cards));
  ASSIGN_OR_RETURN(o.fraud_rate, GetDouble(a, "fraud-rate", o.fraud_rate));
  ASSIGN_OR_RETURN(o.peak_events_per_second,
                   GetDouble(a, "peak-rate", o.peak_events_per_second));
  ASSIGN_OR_RETURN(const double rate, GetDouble(a, "rate", 0));
  const bool stamp = a.Has("stamp-ingest");
  if (!(rate >= 0 && rate <= 1e9)) return absl::InvalidArgumentError("--rate must be in [0, 1e9]");
  if (events < 0 || events > 1'000'000'000 || cards > 10'000'000 || cards < 0) {
    return absl::InvalidArgumentError(
        "--events must be in [0, 1e9] and --cards in [10, 1e7]");
  }
  o.seed = static_cast<uint64_t>(seed);
  o.num_cards = static_cast<int>(cards);
  RETURN_IF_ERROR(o.Validate());

  Sink tx(env, a.Get("topic"), a.Get("out"));
  Sink labels(env, a.Get("labels-topic"), a.Get("labels-out"));
  RETURN_IF_ERROR(tx.Open());
  RETURN_IF_ERROR(labels.Open());
  ml::TransactionGenerator g(o);
  int64_t n = 0, fraud = 0, label_count = 0;
  const Clock* clock = SystemClock();
  const int64_t start_ns = clock->MonotonicNanos();
  while (n < events) {
    if (rate > 0 && n % 256 == 0) {  // pace: transaction n is due at n / rate
      const int64_t due_ns = start_ns + static_cast<int64_t>(n * 1e9 / rate);
      const int64_t now_ns = clock->MonotonicNanos();
      if (due_ns > now_ns) {
        RETURN_IF_ERROR(tx.Flush());
        RETURN_IF_ERROR(labels.Flush());
        std::this_thread::sleep_for(std::chrono::nanoseconds(due_ns - clock->MonotonicNanos()));
      }
    }
    ml::GeneratedEvent e = g.Next();
    if (e.is_label) {
      ++label_count;
      RETURN_IF_ERROR(
          labels.Add(e.label.card_id, e.label.ToJson(), e.label.label_time_ms));
      continue;
    }
    ++n;
    fraud += e.transaction.is_fraud;
    std::string json = e.transaction.ToJson();
    if (stamp) {  // {"event_id":...} -> {"event_id":...,"ingest_ms":N}
      json.insert(json.size() - 1, absl::StrCat(",\"ingest_ms\":", clock->NowMillis()));
    }
    RETURN_IF_ERROR(tx.Add(e.transaction.card_id, std::move(json), e.transaction.event_time_ms));
  }
  for (const ml::LabelEvent& l : g.DrainLabels()) {
    ++label_count;
    RETURN_IF_ERROR(labels.Add(l.card_id, l.ToJson(), l.label_time_ms));
  }
  RETURN_IF_ERROR(tx.Flush());
  RETURN_IF_ERROR(labels.Flush());
  *env.out << "generated " << n << " transactions (" << fraud
           << " fraudulent, drift after " << o.drift_after_events << ") and "
           << label_count << " labels\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunFraudCommand(CliEnv& env,
                             const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    *env.out << kFraudHelp;
    return args.empty() ? absl::InvalidArgumentError(
                              "fraud: missing command (generate); see --help")
                        : absl::OkStatus();
  }
  if (args[0] != "generate" && args[0] != "report") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown fraud command \"", args[0], "\" (generate, report)"));
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "report") {
    ArgSpec report_spec{{"drift-after", "scores-topic", "alerts-topic", "labels-topic",
                         "audit-topic", "drift-topic"},
                        {}};
    ASSIGN_OR_RETURN(ParsedArgs r, ParseArgs(rest, report_spec));
    if (r.Has("help")) {
      *env.out << kFraudHelp;
      return absl::OkStatus();
    }
    return RunFraudReport(env, r);
  }
  ArgSpec spec{
      {"topic", "labels-topic", "out", "labels-out", "events", "seed",
       "drift-after", "fraud-rate", "label-delay-ms", "cards", "peak-rate", "rate"},
      {"stamp-ingest"}};
  ASSIGN_OR_RETURN(ParsedArgs a, ParseArgs(rest, spec));
  if (a.Has("help")) {
    *env.out << kFraudHelp;
    return absl::OkStatus();
  }
  return Generate(env, a);
}

}  // namespace rtai::cli
