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

job::CheckpointState ToProto(runtime::CheckpointState s) {
  switch (s) {
    case runtime::CheckpointState::kInProgress: return job::IN_PROGRESS;
    case runtime::CheckpointState::kCompleted: return job::COMPLETED;
    case runtime::CheckpointState::kAborted: return job::ABORTED;
  }
  return job::CHECKPOINT_STATE_UNSPECIFIED;
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
  if (options.restart_backoff_ms < 1 || options.restart_backoff_max_ms < options.restart_backoff_ms) {
    return absl::InvalidArgumentError("restart backoff must be >= 1 ms and <= its maximum");
  }
  runtime::TaskSchedulerOptions so;
  so.threads = options.engine_threads;
  RETURN_IF_ERROR(so.Validate());
  std::unique_ptr<JobManager> m(new JobManager(std::move(options)));
  if (m->options_.scheduler == nullptr) {
    m->own_scheduler_ = std::make_unique<runtime::TaskScheduler>(so);
    m->options_.scheduler = m->own_scheduler_.get();
  }
  RETURN_IF_ERROR(DefaultFileSystem()->CreateDirs(m->JobsDir()));
  RETURN_IF_ERROR(DefaultFileSystem()->CreateDirs(JoinPath(m->options_.data_dir, "savepoints")));
  m->supervisor_ = std::thread([p = m.get()] { p->Supervise(); });
  return m;
}

JobManager::~JobManager() {
  stop_.Notify();
  if (supervisor_.joinable()) supervisor_.join();
  absl::MutexLock l(&mu_);
  for (auto& [id, job] : jobs_) job->runner->Cancel();
  jobs_.clear();  // joins the tasks
}

std::string JobManager::JobsDir() const { return JoinPath(options_.data_dir, "jobs"); }
std::string JobManager::CheckpointDir(const std::string& id) const {
  return JoinPath(JobsDir(), id + ".checkpoints");
}
std::string JobManager::SavepointDir(const std::string& sp) const {
  return JoinPath(JoinPath(options_.data_dir, "savepoints"), sp);
}

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
    if (fs->Exists(JoinPath(JobsDir(), id + ".finished"))) {
      LogInfo("finished checkpointed job not resubmitted", {{"job", id}});
      continue;
    }
    auto json = fs->ReadFileToString(JoinPath(JobsDir(), name));
    absl::StatusOr<job::JobGraph> graph =
        json.ok() ? graph::ParseJobGraphJson(*json) : absl::StatusOr<job::JobGraph>(json.status());
    auto origin = fs->ReadFileToString(JoinPath(JobsDir(), id + ".origin"));
    absl::StatusOr<std::string> s =
        graph.ok() ? Start(*graph, id, /*persist=*/false, origin.ok() ? *origin : "")
                   : graph.status();
    if (!s.ok()) {
      LogWarning("stored job not resubmitted", {{"job", id}, {"error", std::string(s.status().message())}});
      continue;
    }
    ++started;
  }
  return started;
}

absl::StatusOr<std::string> JobManager::Submit(const job::JobGraph& graph,
                                               const std::string& from_savepoint) {
  if (!from_savepoint.empty() && !ValidId(from_savepoint)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad savepoint id `", from_savepoint, "`: savepoints are named by id (as printed by "
        "`rtai-cli job savepoint`), not by path"));
  }
  std::string id;
  {
    absl::MutexLock l(&mu_);
    id = absl::StrCat("job-", next_id_++);
  }
  return Start(graph, id, /*persist=*/true, from_savepoint);
}

absl::StatusOr<std::string> JobManager::Start(const job::JobGraph& graph, std::string id,
                                              bool persist, const std::string& origin) {
  if (!ValidId(id)) return absl::InvalidArgumentError(absl::StrCat("bad job id `", id, "`"));
  graph::SubmitServices services;
  services.models = options_.model_resolver;
  ASSIGN_OR_RETURN(graph::ValidatedGraph validated, graph::ValidateJobGraph(graph, {}, services));
  auto job = std::make_shared<Job>();
  job->id = id;
  job->graph = std::make_shared<const graph::ValidatedGraph>(std::move(validated));
  job->submit_time_ms = options_.clock->NowMillis();
  job->origin = origin;
  job->backoff_ms = options_.restart_backoff_ms;
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
  // A new job starts clean; a recovered one from its checkpoints.
  if (persist) (void)DefaultFileSystem()->DeleteDirRecursive(CheckpointDir(id));
  ASSIGN_OR_RETURN(job->runner, StartRunner(job.get(), /*restore=*/!persist || !origin.empty()));
  if (persist) {
    FileSystem* fs = DefaultFileSystem();
    absl::Status s = fs->WriteFileAtomically(JoinPath(JobsDir(), id + ".json"),
                                             graph::JobGraphToJson(graph));
    if (s.ok() && !origin.empty()) {
      s = fs->WriteFileAtomically(JoinPath(JobsDir(), id + ".origin"), origin);
    }
    if (!s.ok()) {
      job->runner->Cancel();
      return s;
    }
  }
  LogInfo("job started", {{"job", id}, {"name", job->graph->name},
                          {"restored_checkpoint", job->restored_id}});
  jobs_[id] = std::move(job);
  return id;
}

job::JobStatus JobManager::StatusOf(const Job& job) const {
  job::JobStatus s;
  s.set_job_id(job.id);
  s.set_name(job.graph->name);
  s.set_state(ToProto(job.runner->state()));
  if (s.state() == job::FAILED) s.set_error(std::string(job.runner->status().message()));
  if (s.state() == job::FAILED && job.restart_at_ns != 0) s.set_state(job::RUNNING);  // restarting
  s.set_submit_time_ms(job.submit_time_ms);
  s.set_restarts(static_cast<uint32_t>(job.restarts));
  s.set_restored_checkpoint_id(job.restored_id);
  s.set_last_failure(job.last_failure);
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
  std::vector<runtime::CheckpointStats> history = job.past_checkpoints;
  if (job.runner->coordinator() != nullptr) {
    for (runtime::CheckpointStats& c : job.runner->coordinator()->History()) history.push_back(c);
  }
  const size_t first = history.size() > 32 ? history.size() - 32 : 0;
  for (size_t i = first; i < history.size(); ++i) {
    const runtime::CheckpointStats& c = history[i];
    job::CheckpointInfo* ci = s.add_checkpoints();
    ci->set_id(c.id);
    ci->set_state(ToProto(c.state));
    ci->set_savepoint(c.savepoint);
    ci->set_trigger_time_ms(c.trigger_time_ms);
    ci->set_duration_ms(c.state == runtime::CheckpointState::kInProgress
                            ? options_.clock->NowMillis() - c.trigger_time_ms
                            : c.duration_ms);
    ci->set_size_bytes(c.size_bytes);
    ci->set_alignment_ms(c.alignment_ms);
    ci->set_failure(c.failure);
  }
  return s;
}

std::vector<job::JobStatus> JobManager::List() {
  absl::MutexLock l(&mu_);
  std::vector<job::JobStatus> out;
  for (const auto& [_, job] : jobs_) out.push_back(StatusOf(*job));
  return out;
}

std::vector<JobSnapshot> JobManager::Snapshot() {
  absl::MutexLock l(&mu_);
  std::vector<JobSnapshot> out;
  for (const auto& [id, job] : jobs_) {
    JobSnapshot s;
    s.id = id;
    s.name = job->graph->name;
    s.state = job->runner->state();
    if (s.state == runtime::RunState::kFailed) {
      s.error = std::string(job->runner->status().message());
    }
    s.submit_time_ms = job->submit_time_ms;
    s.operators = job->runner->Metrics();
    s.tasks = job->runner->Tasks();
    out.push_back(std::move(s));
  }
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

absl::StatusOr<job::JobStatus> JobManager::Cancel(const std::string& id,
                                                  std::string* savepoint_id) {
  std::shared_ptr<Job> job;
  std::shared_ptr<runtime::JobRunner> runner;
  {
    absl::MutexLock l(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
    job = it->second;
    if (savepoint_id == nullptr) job->cancelling = true;
  }
  if (savepoint_id != nullptr) {
    ASSIGN_OR_RETURN(SavepointInfo sp, Savepoint(id));
    *savepoint_id = sp.id;
    absl::MutexLock l(&mu_);
    job->cancelling = true;
  }
  {
    absl::MutexLock l(&mu_);
    runner = job->runner;
  }
  runner->Cancel();
  runner->Wait();
  FileSystem* fs = DefaultFileSystem();
  (void)fs->DeleteFile(JoinPath(JobsDir(), id + ".json"));
  (void)fs->DeleteFile(JoinPath(JobsDir(), id + ".origin"));
  (void)fs->DeleteFile(JoinPath(JobsDir(), id + ".finished"));
  (void)fs->DeleteDirRecursive(JoinPath(JobsDir(), id + ".state"));
  (void)fs->DeleteDirRecursive(CheckpointDir(id));
  absl::MutexLock l(&mu_);
  job->restart_at_ns = 0;
  return StatusOf(*job);
}

}  // namespace rtai::engine::service
