#include "engine/service/job_manager.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/file_system.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/graph/validator.h"
#include "engine/operators/operator_factory.h"

namespace rtai::engine::service {
namespace {

job::JobState ToProto(runtime::RunState s) {
  switch (s) {
    case runtime::RunState::kRunning: return job::RUNNING;
    case runtime::RunState::kFinished: return job::FINISHED;
    case runtime::RunState::kFailed: return job::FAILED;
    case runtime::RunState::kCanceled: return job::CANCELED;
  }
  return job::JOB_STATE_UNSPECIFIED;
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<JobManager>> JobManager::Create(JobManagerOptions options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("data_dir is required");
  if (options.client == nullptr) return absl::InvalidArgumentError("client is required");
  if (options.clock == nullptr) options.clock = SystemClock();
  std::unique_ptr<JobManager> m(new JobManager(std::move(options)));
  RETURN_IF_ERROR(DefaultFileSystem()->CreateDirs(m->JobsDir()));
  return m;
}

JobManager::~JobManager() {
  absl::MutexLock l(&mu_);
  for (auto& [id, job] : jobs_) job->runner->Cancel();
  jobs_.clear();  // joins the tasks
}

std::string JobManager::JobsDir() const { return JoinPath(options_.data_dir, "jobs"); }

absl::StatusOr<int> JobManager::Recover() {
  FileSystem* fs = DefaultFileSystem();
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(JobsDir()));
  int started = 0;
  for (const std::string& name : names) {
    if (!absl::EndsWith(name, ".json")) continue;
    const std::string id = name.substr(0, name.size() - 5);
    {
      // Every stored id counts, started or not, so a new job never reuses it.
      absl::MutexLock l(&mu_);
      int64_t n = 0;
      if (absl::SimpleAtoi(absl::string_view(id).substr(std::min<size_t>(4, id.size())), &n) &&
          n >= next_id_) {
        next_id_ = n + 1;
      }
    }
    auto json = fs->ReadFileToString(JoinPath(JobsDir(), name));
    absl::StatusOr<job::JobGraph> graph =
        json.ok() ? graph::ParseJobGraphJson(*json) : absl::StatusOr<job::JobGraph>(json.status());
    absl::StatusOr<std::string> s =
        graph.ok() ? Start(*graph, id, /*persist=*/false) : graph.status();
    if (!s.ok()) {
      LogWarning("stored job not resubmitted", {{"job", id}, {"error", std::string(s.status().message())}});
      continue;
    }
    ++started;
  }
  return started;
}

absl::StatusOr<std::string> JobManager::Submit(const job::JobGraph& graph) {
  std::string id;
  {
    absl::MutexLock l(&mu_);
    id = absl::StrCat("job-", next_id_++);
  }
  return Start(graph, id, /*persist=*/true);
}

absl::StatusOr<std::string> JobManager::Start(const job::JobGraph& graph, std::string id,
                                              bool persist) {
  if (!ValidId(id)) return absl::InvalidArgumentError(absl::StrCat("bad job id `", id, "`"));
  graph::SubmitServices services;
  services.models = options_.model_resolver;
  ASSIGN_OR_RETURN(graph::ValidatedGraph validated, graph::ValidateJobGraph(graph, {}, services));
  auto job = std::make_shared<Job>();
  job->id = id;
  job->graph = std::make_shared<const graph::ValidatedGraph>(std::move(validated));
  job->submit_time_ms = options_.clock->NowMillis();
  absl::MutexLock l(&mu_);
  int running = 0;
  for (const auto& [_, j] : jobs_) running += j->runner->state() == runtime::RunState::kRunning;
  if (running >= options_.max_jobs) {
    return absl::ResourceExhaustedError(absl::StrCat("at most ", options_.max_jobs, " running jobs"));
  }
  while (static_cast<int>(jobs_.size()) >= options_.max_retained_jobs) {
    auto oldest = jobs_.end();
    for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
      if (it->second->runner->state() == runtime::RunState::kRunning) continue;
      if (oldest == jobs_.end() || it->second->submit_time_ms < oldest->second->submit_time_ms) {
        oldest = it;
      }
    }
    if (oldest == jobs_.end()) break;  // all running: bounded by max_jobs
    jobs_.erase(oldest);
  }
  if (persist) {
    RETURN_IF_ERROR(DefaultFileSystem()->WriteFileAtomically(
        JoinPath(JobsDir(), id + ".json"), graph::JobGraphToJson(graph)));
  }
  runtime::RuntimeOptions o;
  o.client = options_.client;
  o.clock = options_.clock;
  o.state_dir = JoinPath(JobsDir(), id + ".state");
  o.source_batch_records = options_.source_batch_records;
  o.model_resolver = options_.model_resolver;
  ASSIGN_OR_RETURN(job->runner, runtime::JobRunner::Start(job->graph, o, operators::CreateOperator));
  LogInfo("job started", {{"job", id}, {"name", job->graph->name}});
  jobs_[id] = std::move(job);
  return id;
}

job::JobStatus JobManager::StatusOf(const Job& job) const {
  job::JobStatus s;
  s.set_job_id(job.id);
  s.set_name(job.graph->name);
  s.set_state(ToProto(job.runner->state()));
  if (s.state() == job::FAILED) s.set_error(std::string(job.runner->status().message()));
  s.set_submit_time_ms(job.submit_time_ms);
  for (const runtime::NodeMetrics& m : job.runner->Metrics()) {
    job::OperatorMetrics* o = s.add_operators();
    o->set_uid(m.uid);
    o->set_operator_(m.op);
    o->set_parallelism(m.parallelism);
    o->set_records_in(m.records_in);
    o->set_records_out(m.records_out);
    o->set_records_dropped(m.records_dropped);
    o->set_watermark_ms(m.watermark);
    o->set_backpressure(m.backpressure);
  }
  return s;
}

std::vector<job::JobStatus> JobManager::List() {
  absl::MutexLock l(&mu_);
  std::vector<job::JobStatus> out;
  for (const auto& [_, job] : jobs_) out.push_back(StatusOf(*job));
  return out;
}

absl::StatusOr<job::GetJobResponse> JobManager::Get(const std::string& id) {
  absl::MutexLock l(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
  job::GetJobResponse r;
  *r.mutable_status() = StatusOf(*it->second);
  *r.mutable_graph() = it->second->graph->proto;
  return r;
}

absl::StatusOr<job::JobStatus> JobManager::Cancel(const std::string& id) {
  std::shared_ptr<Job> job;
  {
    absl::MutexLock l(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
    job = it->second;
  }
  job->runner->Cancel();
  job->runner->Wait();
  (void)DefaultFileSystem()->DeleteFile(JoinPath(JobsDir(), id + ".json"));
  (void)DefaultFileSystem()->DeleteDirRecursive(JoinPath(JobsDir(), id + ".state"));
  absl::MutexLock l(&mu_);
  return StatusOf(*job);
}

}  // namespace rtai::engine::service
