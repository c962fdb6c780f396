// JobManager: starting runners from checkpoints and savepoints, the restart
// supervisor, and savepoints (docs/CHECKPOINTS.md).

#include "absl/strings/str_cat.h"
#include "base/file_system.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/checkpoint_storage.h"
#include "engine/service/job_manager.h"

namespace rtai::engine::service {
namespace {

constexpr int64_t kDefaultTxnTimeoutMs = 600'000;
constexpr int64_t kMaxTxnTimeoutMs = 900'000;  // the broker's transaction.max.timeout.ms
constexpr int kDefaultRetained = 3;
constexpr size_t kMaxPastCheckpoints = 32;

}  // namespace

absl::StatusOr<std::unique_ptr<runtime::JobRunner>> JobManager::StartRunner(Job* job,
                                                                             bool restore) {
  const job::CheckpointSettings& c = job->graph->proto.checkpoint();
  runtime::RuntimeOptions o;
  o.client = options_.client;
  o.clock = options_.clock;
  o.state_dir = JoinPath(JobsDir(), job->id + ".state");
  o.source_batch_records = options_.source_batch_records;
  o.job_id = job->id;
  o.ml_metrics = options_.ml_metrics;
  o.model_resolver = options_.model_resolver;
  o.engine_metrics = options_.engine_metrics;
  o.scheduler = options_.scheduler;
  o.checkpoint.dir = CheckpointDir(job->id);  // interval 0: savepoints only
  o.checkpoint.interval_ms = c.interval_ms();
  o.checkpoint.timeout_ms = c.timeout_ms();
  o.checkpoint.min_pause_ms = c.min_pause_ms();
  o.checkpoint.retain = c.retained() > 0 ? static_cast<int>(c.retained()) : kDefaultRetained;
  job->checkpointed = c.interval_ms() > 0;
  bool has_sink = false;
  for (const graph::ResolvedNode& n : job->graph->nodes) has_sink |= n.op == "broker_sink";
  const bool exactly_once = job->checkpointed && has_sink &&
                            c.mode() != job::CheckpointSettings::AT_LEAST_ONCE;
  if (exactly_once) {
    if (options_.txn_client == nullptr) {
      return absl::FailedPreconditionError(
          "checkpoint.mode EXACTLY_ONCE needs broker transactions, which this rtaid does not "
          "offer; set checkpoint.mode to AT_LEAST_ONCE");
    }
    const int64_t timeout = c.timeout_ms() > 0 ? c.timeout_ms() : 10 * c.interval_ms();
    const int64_t txn = c.transaction_timeout_ms() > 0 ? c.transaction_timeout_ms()
                                                       : kDefaultTxnTimeoutMs;
    if (txn <= c.interval_ms() + timeout || txn > kMaxTxnTimeoutMs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "checkpoint.transaction_timeout_ms (", txn, ") must be greater than interval_ms + "
          "timeout_ms (", c.interval_ms() + timeout, "): a sink transaction stays open from one "
          "barrier until the next checkpoint completes; and at most ", kMaxTxnTimeoutMs,
          " (the broker's transaction.max.timeout.ms)"));
    }
    o.exactly_once = true;
    o.txn_client = options_.txn_client;
    o.transaction_timeout_ms = txn;
  }
  FileSystem* fs = DefaultFileSystem();
  job->restored_id = 0;
  std::optional<runtime::LoadedCheckpoint> latest;
  if (restore) {
    ASSIGN_OR_RETURN(latest, runtime::FindLatestCheckpoint(fs, o.checkpoint.dir));
  }
  if (latest.has_value()) {
    RETURN_IF_ERROR(runtime::DeleteCheckpointsAfter(fs, o.checkpoint.dir,
                                                    latest->manifest.checkpoint_id));
  } else {
    RETURN_IF_ERROR(runtime::DeleteCheckpointsAfter(fs, o.checkpoint.dir, 0));
    if (restore && !job->origin.empty()) {
      const std::string dir = SavepointDir(job->origin);
      if (!fs->Exists(dir)) {
        return absl::NotFoundError(absl::StrCat("unknown savepoint `", job->origin, "`"));
      }
      absl::StatusOr<runtime::CheckpointManifest> m = runtime::ReadAndVerifyManifest(fs, dir);
      if (!m.ok()) {
        return absl::DataLossError(absl::StrCat("savepoint `", job->origin, "` is unusable: ",
                                                m.status().message()));
      }
      latest = runtime::LoadedCheckpoint{dir, std::move(*m)};
    }
  }
  if (latest.has_value()) job->restored_id = latest->manifest.checkpoint_id;
  o.restore = std::move(latest);
  return runtime::JobRunner::Start(job->graph, std::move(o), operators::CreateOperator);
}

void JobManager::Supervise() {
  while (!stop_.WaitForNotificationWithTimeout(absl::Milliseconds(20))) {
    std::vector<std::shared_ptr<Job>> jobs;
    {
      absl::MutexLock l(&mu_);
      for (const auto& [_, j] : jobs_) jobs.push_back(j);
    }
    for (const std::shared_ptr<Job>& j : jobs) MaybeRestart(j);
  }
}

void JobManager::MaybeRestart(const std::shared_ptr<Job>& job) {
  absl::MutexLock l(&mu_);
  if (job->cancelling || !job->checkpointed) return;
  runtime::JobRunner& runner = *job->runner;
  const runtime::RunState state = runner.state();
  if (state == runtime::RunState::kRunning) {
    runtime::CheckpointCoordinator* c = runner.coordinator();
    if (job->restarts_in_row > 0 && c != nullptr && c->last_completed() > job->restored_id) {
      job->restarts_in_row = 0;  // it made progress: the next failure starts the backoff anew
      job->backoff_ms = options_.restart_backoff_ms;
    }
    return;
  }
  if (state == runtime::RunState::kFinished && !job->finished_marked) {
    // Resubmitting a finished job on restart would replay its input after
    // the last checkpoint into output that was already committed at the end.
    job->finished_marked = true;
    (void)DefaultFileSystem()->WriteFileAtomically(JoinPath(JobsDir(), job->id + ".finished"), "");
    return;
  }
  if (state != runtime::RunState::kFailed) return;
  const int64_t now = options_.clock->MonotonicNanos();
  if (job->restart_at_ns == 0) {
    if (job->restarts_in_row >= options_.max_restarts) return;  // stays FAILED
    job->last_failure = std::string(runner.status().message());
    job->restart_at_ns = now + job->backoff_ms * 1'000'000;
    LogWarning("job failed; restarting from its latest checkpoint",
               {{"job", job->id}, {"error", job->last_failure}, {"backoff_ms", job->backoff_ms}});
    return;
  }
  if (now < job->restart_at_ns) return;
  runner.Release();  // closes its RocksDB instances
  if (runner.coordinator() != nullptr) {
    for (const runtime::CheckpointStats& s : runner.coordinator()->History()) {
      job->past_checkpoints.push_back(s);
    }
    while (job->past_checkpoints.size() > kMaxPastCheckpoints) {
      job->past_checkpoints.erase(job->past_checkpoints.begin());
    }
  }
  job->backoff_ms = std::min(job->backoff_ms * 2, options_.restart_backoff_max_ms);
  ++job->restarts;
  ++job->restarts_in_row;
  if (options_.engine_metrics != nullptr) options_.engine_metrics->JobRestarted(job->id);
  absl::StatusOr<std::unique_ptr<runtime::JobRunner>> r = StartRunner(job.get(), true);
  if (!r.ok()) {
    job->last_failure = std::string(r.status().message());
    job->restart_at_ns = now + job->backoff_ms * 1'000'000;
    LogWarning("job restart failed", {{"job", job->id}, {"error", job->last_failure}});
    return;
  }
  job->restart_at_ns = 0;
  job->runner = std::move(*r);
  LogInfo("job restarted", {{"job", job->id}, {"restored_checkpoint", job->restored_id},
                            {"restarts", job->restarts}});
}

absl::StatusOr<SavepointInfo> JobManager::Savepoint(const std::string& id) {
  std::shared_ptr<runtime::JobRunner> runner;
  {
    absl::MutexLock l(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("unknown job `", id, "`"));
    runner = it->second->runner;
  }
  ASSIGN_OR_RETURN(runtime::CheckpointStats stats,
                   runner->TriggerCheckpoint(/*savepoint=*/true,
                                             absl::Milliseconds(options_.savepoint_timeout_ms)));
  SavepointInfo info{absl::StrCat("sp-", id, "-", stats.id), stats.id};
  RETURN_IF_ERROR(runtime::CopyCheckpointTree(stats.dir, SavepointDir(info.id)));
  LogInfo("savepoint taken", {{"job", id}, {"savepoint", info.id}});
  return info;
}

}  // namespace rtai::engine::service
