// JobsJson, JobJson, ModelsJson (dashboard_json.h).
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "cli/http/dashboard_json.h"
#include "cli/http/json_writer.h"
#include "engine/service/job_metrics_exporter.h"

namespace rtai::cli {
namespace {

using engine::runtime::kMaxWatermark;
using engine::runtime::kMinWatermark;

void WriteJob(const engine::service::JobSnapshot& job, JsonWriter& w) {
  w.Key("id").String(job.id).Key("name").String(job.name);
  w.Key("state").String(engine::service::RunStateName(job.state)).Key("error").String(job.error);
  w.Key("submit_time_ms").Int(job.submit_time_ms);
  w.Key("operators").BeginArray();
  for (const auto& op : job.operators) {
    w.BeginObject().Key("uid").String(op.uid).Key("operator").String(op.op);
    w.Key("parallelism").Int(op.parallelism).Key("records_in").Int(op.records_in);
    w.Key("records_out").Int(op.records_out).Key("records_dropped").Int(op.records_dropped);
    w.Key("watermark_ms");
    // null: no watermark yet, or the input ended (kMaxWatermark).
    if (op.watermark == kMinWatermark || op.watermark == kMaxWatermark) {
      w.Null();
    } else {
      w.Int(op.watermark);
    }
    w.Key("input_ended").Bool(op.watermark == kMaxWatermark);
    w.Key("backpressure").Double(op.backpressure).EndObject();
  }
  w.EndArray().Key("tasks").BeginArray();
  for (const auto& t : job.tasks) {
    w.BeginObject().Key("task").String(t.uid).Key("subtask").Int(t.subtask);
    w.Key("running").Bool(t.running).Key("elapsed_ns").Int(t.elapsed_ns);
    w.Key("busy_ns").Int(t.busy_ns).Key("idle_ns").Int(t.idle_ns);
    w.Key("backpressured_ns").Int(t.backpressured_ns).EndObject();
  }
  w.EndArray();
}

bool ValidJobId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

void WriteCheckpoints(const DashboardSources& s, const std::string& id, JsonWriter& w) {
  w.Key("restarts").Int(s.engine_metrics ? s.engine_metrics->Restarts(id) : 0);
  w.Key("checkpoints").BeginArray();
  if (s.engine_metrics != nullptr) {
    for (const auto& c : s.engine_metrics->RecentCheckpoints(id)) {
      w.BeginObject().Key("id").Int(c.checkpoint_id).Key("completed").Bool(c.completed);
      w.Key("trigger_time_ms").Int(c.trigger_time_ms).Key("duration_ns").Int(c.duration_ns);
      w.Key("alignment_ns").Int(c.alignment_ns).Key("size_bytes").Int(c.size_bytes);
      w.Key("error").String(c.error).EndObject();
    }
  }
  w.EndArray();
}

}  // namespace

std::string JobsJson(const DashboardSources& s) {
  JsonWriter w;
  w.BeginObject().Key("time_ms").Int(s.clock->NowMillis()).Key("jobs").BeginArray();
  if (s.jobs != nullptr) {
    for (const auto& job : s.jobs->Snapshot()) {
      w.BeginObject();
      WriteJob(job, w);
      w.EndObject();
    }
  }
  w.EndArray().EndObject();
  return w.Take();
}

absl::StatusOr<std::string> JobJson(const DashboardSources& s, const std::string& id) {
  if (!ValidJobId(id)) return absl::InvalidArgumentError("job id: 1..64 of [A-Za-z0-9-]");
  if (s.jobs == nullptr) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
  auto got = s.jobs->Get(id);
  if (!got.ok()) return got.status();
  JsonWriter w;
  w.BeginObject().Key("time_ms").Int(s.clock->NowMillis());
  bool found = false;
  for (const auto& job : s.jobs->Snapshot()) {
    if (job.id != id) continue;
    WriteJob(job, w);
    found = true;
  }
  if (!found) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string graph;
  if (!google::protobuf::util::MessageToJsonString(got->graph(), &graph, options).ok()) {
    graph = "null";
  }
  w.Key("graph").Raw(graph);
  WriteCheckpoints(s, id, w);
  w.EndObject();
  return w.Take();
}

std::string ModelsJson(const DashboardSources& s) {
  JsonWriter w;
  w.BeginObject().Key("time_ms").Int(s.clock->NowMillis()).Key("models").BeginArray();
  if (s.models != nullptr) {
    for (const ml::ModelEntry& m : s.models->List()) {
      w.BeginObject().Key("name").String(m.name).Key("champion").Int(m.champion);
      w.Key("versions").BeginArray();
      for (const ml::ModelVersion& v : m.versions) {
        w.BeginObject().Key("version").Int(v.version);
        w.Key("stage").String(ml::ModelStageName(v.stage));
        w.Key("format").String(ml::ModelFormatName(v.format)).Key("sha256").String(v.sha256);
        w.Key("size_bytes").Int(v.size_bytes).Key("created_ms").Int(v.created_ms);
        w.Key("metrics").BeginObject();
        for (const auto& [k, value] : v.metrics) w.Key(k).Double(value);
        w.EndObject().EndObject();
      }
      w.EndArray().EndObject();
    }
  }
  w.EndArray().Key("series").BeginArray();
  if (s.ml_metrics != nullptr) {
    for (const auto& series : s.ml_metrics->Series()) {
      w.BeginObject().Key("model").String(series.model).Key("version").Int(series.version);
      w.Key("role").String(series.role).Key("metric").String(series.metric);
      w.Key("points").BeginArray();
      for (const auto& p : series.points) w.BeginArray().Int(p.time_ms).Double(p.value).EndArray();
      w.EndArray().EndObject();
    }
  }
  w.EndArray().Key("events").BeginArray();
  if (s.ml_metrics != nullptr) {
    for (const auto& e : s.ml_metrics->Events()) {
      w.BeginObject().Key("time_ms").Int(e.time_ms).Key("kind").String(e.kind);
      w.Key("model").String(e.model).Key("version").Int(e.version);
      w.Key("detail").String(e.detail).EndObject();
    }
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace rtai::cli
