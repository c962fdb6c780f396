#include "cli/fraud_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/ml/model/json_value.h"

namespace rtai::cli {
namespace {

constexpr int64_t kMaxRecordsPerTopic = 50'000'000;

// Calls `fn(value)` for every record of every partition of `topic`, up to the
// high watermark at the time of the call.
template <typename Fn>
absl::Status ReadTopic(CliEnv& env, const std::string& topic, Fn fn) {
  v1::DescribeTopicRequest dreq;
  dreq.set_name(topic);
  v1::DescribeTopicResponse desc;
  {
    grpc::ClientContext ctx;
    SetDeadline(ctx, kRpcDeadlineMs);
    grpc::Status s = env.stub->DescribeTopic(&ctx, dreq, &desc);
    if (!s.ok()) return RpcError(env, s);
  }
  int64_t total = 0;
  for (const v1::PartitionInfo& p : desc.partitions()) {
    int64_t offset = p.log_start_offset();
    while (offset < p.high_watermark()) {
      v1::FetchRequest req;
      req.set_topic(topic);
      req.set_partition(p.partition());
      req.set_offset(offset);
      req.set_max_bytes(4 << 20);
      v1::FetchResponse resp;
      grpc::ClientContext ctx;
      SetDeadline(ctx, kRpcDeadlineMs);
      grpc::Status s = env.stub->Fetch(&ctx, req, &resp);
      if (!s.ok()) return RpcError(env, s);
      if (resp.records_size() == 0) break;
      for (const v1::FetchedRecord& r : resp.records()) {
        if (++total > kMaxRecordsPerTopic) {
          return absl::ResourceExhaustedError(absl::StrCat("topic ", topic, " has more than ",
                                                           kMaxRecordsPerTopic, " records"));
        }
        auto v = ml::ParseJson(r.value());
        if (v.ok() && v->is_object()) fn(*v);
        offset = r.offset() + 1;
      }
    }
  }
  return absl::OkStatus();
}

double Num(const ml::JsonValue& v, const char* key, double fallback = NAN) {
  const ml::JsonValue* m = v.Find(key);
  return m != nullptr && m->is_number() ? m->number() : fallback;
}
std::string Str(const ml::JsonValue& v, const char* key) {
  const ml::JsonValue* m = v.Find(key);
  return m != nullptr && m->is_string() ? m->str() : std::string();
}
bool Bool(const ml::JsonValue& v, const char* key) {
  const ml::JsonValue* m = v.Find(key);
  return m != nullptr && m->kind() == ml::JsonValue::Kind::kBool && m->bool_value();
}
int64_t IndexOf(const std::string& event_id) {  // "tx-000000000042"
  int64_t i = -1;
  if (event_id.size() > 3 && absl::SimpleAtoi(event_id.substr(3), &i)) return i;
  return -1;
}

std::string Percentiles(std::vector<double> v) {
  if (v.empty()) return "n/a (no ingest_ms / processed_at_ms)";
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  return absl::StrFormat("p50 %.0f ms  p99 %.0f ms  max %.0f ms  (%d events)", at(0.5), at(0.99),
                         v.back(), v.size());
}

struct Counts {
  int64_t fraud = 0, alerts = 0, hits = 0;
  void Add(bool is_fraud, bool alert) {
    fraud += is_fraud;
    alerts += alert;
    hits += is_fraud && alert;
  }
  std::string Line() const {
    return absl::StrFormat("precision %.3f  recall %.3f  (fraud %d, alerts %d, caught %d)",
                           alerts ? static_cast<double>(hits) / alerts : 0.0,
                           fraud ? static_cast<double>(hits) / fraud : 0.0, fraud, alerts, hits);
  }
};

struct Scored {
  int64_t index;
  double score;
  std::string model;
  double ingest, processed, event_time;
};

// The first scored transaction at or after event time `t` (scores sorted by
// index, which follows event time).
int64_t IndexAt(const std::vector<Scored>& scored, double t) {
  auto it = std::lower_bound(scored.begin(), scored.end(), t,
                             [](const Scored& s, double x) { return s.event_time < x; });
  if (it == scored.end()) return scored.empty() ? -1 : scored.back().index;
  return it->index;
}

// Throughput, latency and alert quality lines.
void AppendQuality(const std::vector<Scored>& scored, const absl::flat_hash_map<int64_t, bool>& truth,
                   const std::set<int64_t>& alerts, int64_t drift_after, std::string* out) {
  std::vector<double> score_latency, alert_latency;
  double first_ingest = INFINITY, last_processed = -INFINITY;
  Counts before, after, after_promoted;
  for (const Scored& s : scored) {
    auto t = truth.find(s.index);
    const bool fraud = t != truth.end() && t->second;
    const bool alert = alerts.count(s.index) > 0;
    (s.index < drift_after ? before : after).Add(fraud, alert);
    if (s.index >= drift_after && s.model.rfind("online-", 0) == 0) after_promoted.Add(fraud, alert);
    if (std::isfinite(s.ingest) && std::isfinite(s.processed) && s.processed > 0) {
      score_latency.push_back(s.processed - s.ingest);
      if (alert) alert_latency.push_back(s.processed - s.ingest);
      first_ingest = std::min(first_ingest, s.ingest);
      last_processed = std::max(last_processed, s.processed);
    }
  }
  absl::StrAppend(out, absl::StrFormat("  transactions scored    %d (drift after tx #%d)\n",
                                       scored.size(), drift_after));
  if (std::isfinite(first_ingest) && last_processed > first_ingest) {
    absl::StrAppend(out, absl::StrFormat(
        "  throughput             %.0f events/s (first ingest -> last score, end to end)\n",
        scored.size() * 1000.0 / (last_processed - first_ingest)));
  }
  absl::StrAppend(out, "  event-to-score latency ", Percentiles(score_latency), "\n");
  absl::StrAppend(out, "  event-to-alert latency ", Percentiles(alert_latency), "\n");
  absl::StrAppend(out, "  before the drift       ", before.Line(), "\n");
  absl::StrAppend(out, "  after the drift        ", after.Line(), "\n");
  absl::StrAppend(out, "    online model serving ", after_promoted.Line(), "\n");
}

// Drift detections per detector: count, first one after the drift.
absl::Status AppendDetections(CliEnv& env, const ParsedArgs& a, const std::vector<Scored>& scored,
                              int64_t drift_after, std::string* out) {
  std::map<std::string, std::pair<int64_t, int64_t>> detections;
  int64_t before_drift = 0;
  RETURN_IF_ERROR(ReadTopic(env, a.Get("drift-topic", "fraud-drift"), [&](const ml::JsonValue& v) {
    const std::string feature = Str(v, "feature");
    auto& d = detections[Str(v, "detector") + (feature.empty() ? "" : "(" + feature + ")")];
    const int64_t idx = IndexAt(scored, Num(v, "event_time"));
    ++d.first;
    if (idx >= drift_after && d.second == 0) d.second = idx;
    before_drift += idx < drift_after;
  }));
  absl::StrAppend(out, "  drift detections       ", detections.empty() ? "none" : "", "\n");
  for (const auto& [det, d] : detections) {
    if (d.second > 0) {
      absl::StrAppend(out, absl::StrFormat(
          "    %-22s %d event(s); first after the drift at tx #%d (%d after it)\n", det, d.first,
          d.second, d.second - drift_after));
    } else {
      absl::StrAppend(out, absl::StrFormat("    %-22s %d event(s), none after the drift\n", det,
                                           d.first));
    }
  }
  if (before_drift > 0) {
    absl::StrAppend(out, absl::StrFormat("    (%d detection(s) before the drift: feature "
                                         "distributions also move with the time of day)\n",
                                         before_drift));
  }
  return absl::OkStatus();
}

// Champion-challenger decisions (retrains left out).
absl::Status AppendDecisions(CliEnv& env, const ParsedArgs& a, const std::vector<Scored>& scored,
                             std::string* out) {
  std::vector<std::string> decisions;
  RETURN_IF_ERROR(ReadTopic(env, a.Get("audit-topic", "fraud-audit"), [&](const ml::JsonValue& v) {
    const std::string d = Str(v, "decision");
    if (d == "retrained" || d == "retrain_skipped") return;
    const std::string champion = Str(v, "champion"), previous = Str(v, "previous_champion");
    decisions.push_back(absl::StrFormat(
        "%s: %s serves%s at tx #%d; %s", d, champion,
        previous.empty() || previous == champion ? "" : " (was " + previous + ")",
        IndexAt(scored, Num(v, "event_time")), Str(v, "reason")));
  }));
  absl::StrAppend(out, "  model decisions        ", decisions.empty() ? "none" : "", "\n");
  for (const std::string& d : decisions) absl::StrAppend(out, "    ", d, "\n");
  return absl::OkStatus();
}

}  // namespace

absl::Status RunFraudReport(CliEnv& env, const ParsedArgs& a) {
  ASSIGN_OR_RETURN(const int64_t drift_after, a.GetInt("drift-after", 100000));
  std::vector<Scored> scored;
  RETURN_IF_ERROR(ReadTopic(env, a.Get("scores-topic", "fraud-scores"), [&](const ml::JsonValue& v) {
    scored.push_back({IndexOf(Str(v, "event_id")), Num(v, "score"), Str(v, "model"),
                      Num(v, "ingest_ms"), Num(v, "processed_at_ms"), Num(v, "event_time_ms")});
  }));
  std::sort(scored.begin(), scored.end(),
            [](const Scored& x, const Scored& y) { return x.index < y.index; });
  absl::flat_hash_map<int64_t, bool> truth;
  RETURN_IF_ERROR(ReadTopic(env, a.Get("labels-topic", "fraud-labels"), [&](const ml::JsonValue& v) {
    truth[IndexOf(Str(v, "event_id"))] = Bool(v, "is_fraud");
  }));
  std::set<int64_t> alerts;
  RETURN_IF_ERROR(ReadTopic(env, a.Get("alerts-topic", "fraud-alerts"), [&](const ml::JsonValue& v) {
    alerts.insert(IndexOf(Str(v, "event_id")));
  }));
  std::string out = "\nfraud-detection report\n";
  AppendQuality(scored, truth, alerts, drift_after, &out);
  RETURN_IF_ERROR(AppendDetections(env, a, scored, drift_after, &out));
  RETURN_IF_ERROR(AppendDecisions(env, a, scored, &out));
  *env.out << out;
  return absl::OkStatus();
}

}  // namespace rtai::cli
