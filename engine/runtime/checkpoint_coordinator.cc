#include "engine/runtime/checkpoint_coordinator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/runtime/checkpoint_storage.h"

namespace rtai::engine::runtime {

CheckpointCoordinator::CheckpointCoordinator(CheckpointOptions options) : o_(std::move(options)) {
  if (o_.clock == nullptr) o_.clock = SystemClock();
  if (o_.fs == nullptr) o_.fs = DefaultFileSystem();
  if (o_.timeout_ms <= 0) o_.timeout_ms = o_.interval_ms > 0 ? 10 * o_.interval_ms : 60'000;
  absl::MutexLock l(&mu_);
  next_id_ = std::max<int64_t>(1, o_.first_id);
  completed_id_ = next_id_ - 1;
  trigger_id_ = next_id_ - 1;
  last_trigger_ns_ = o_.clock->MonotonicNanos();
  last_end_ns_ = last_trigger_ns_;
}

std::string CheckpointCoordinator::DirOf(int64_t id) const {
  return JoinPath(o_.dir, CheckpointDirName(id));
}

void CheckpointCoordinator::StartLocked(bool savepoint) {
  const int64_t id = next_id_++;
  const absl::Status s = o_.fs->CreateDirs(DirOf(id));
  pending_ = Pending();
  pending_.stats.id = id;
  pending_.stats.savepoint = savepoint;
  pending_.stats.trigger_time_ms = o_.clock->NowMillis();
  pending_.trigger_ns = o_.clock->MonotonicNanos();
  pending_.acked.assign(o_.num_tasks, 0);
  pending_.manifest.job_id = o_.job_id;
  pending_.manifest.checkpoint_id = id;
  pending_.manifest.savepoint = savepoint;
  pending_.manifest.trigger_time_ms = pending_.stats.trigger_time_ms;
  pending_.manifest.max_parallelism = o_.max_parallelism;
  has_pending_ = true;
  last_trigger_ns_ = pending_.trigger_ns;
  if (!s.ok()) {
    AbortLocked(absl::StrCat("cannot create its directory: ", s.message()));
    return;
  }
  trigger_id_.store(id, std::memory_order_release);
}

void CheckpointCoordinator::FinishLocked(CheckpointStats stats) {
  const int64_t duration_ns = o_.clock->MonotonicNanos() - pending_.trigger_ns;
  stats.duration_ms = duration_ns / 1'000'000;
  if (o_.metrics != nullptr) {
    CheckpointRecord r;
    r.checkpoint_id = stats.id;
    r.completed = stats.state == CheckpointState::kCompleted;
    r.trigger_time_ms = stats.trigger_time_ms;
    r.duration_ns = duration_ns;
    r.alignment_ns = stats.alignment_ms * 1'000'000;
    r.size_bytes = static_cast<int64_t>(stats.size_bytes);
    r.error = stats.failure;
    o_.metrics->CheckpointEnded(o_.job_id, r);
  }
  history_.push_back(std::move(stats));
  while (history_.size() > o_.history) history_.pop_front();
  has_pending_ = false;
  last_end_ns_ = o_.clock->MonotonicNanos();
}

void CheckpointCoordinator::AbortLocked(const std::string& why) {
  CheckpointStats stats = pending_.stats;
  stats.state = CheckpointState::kAborted;
  stats.failure = why;
  (void)o_.fs->DeleteDirRecursive(DirOf(stats.id));
  LogWarning("checkpoint aborted", {{"job", o_.job_id}, {"checkpoint", stats.id}, {"reason", why}});
  FinishLocked(std::move(stats));
}

absl::Status CheckpointCoordinator::Persist(TaskAck& ack) {
  const std::string dir = DirOf(ack.checkpoint_id);
  for (auto& [entry, bytes] : ack.ops) {
    entry.file = OperatorStateFileName(entry.uid, entry.subtask);
    entry.size = bytes.size();
    entry.crc32c = crc32c::Value(bytes.data(), bytes.size());
    ASSIGN_OR_RETURN(auto w, o_.fs->OpenWritable(JoinPath(dir, entry.file), /*truncate=*/true));
    RETURN_IF_ERROR(w->Append(bytes));
    RETURN_IF_ERROR(w->Sync());
    RETURN_IF_ERROR(w->Close());
    bytes.clear();
  }
  return o_.fs->SyncDir(dir);
}

void CheckpointCoordinator::Complete() {
  CheckpointManifest m;
  {
    absl::MutexLock l(&mu_);
    m = pending_.manifest;
  }
  m.complete_time_ms = o_.clock->NowMillis();
  for (const TaskStateEntry& t : m.tasks) {
    for (const StateFileEntry& f : t.db_files) m.total_bytes += f.size;
  }
  for (const OperatorStateEntry& op : m.operators) m.total_bytes += op.size;
  const absl::Status s = WriteManifest(o_.fs, DirOf(m.checkpoint_id), m);
  {
    absl::MutexLock l(&mu_);
    if (!s.ok()) {
      AbortLocked(absl::StrCat("manifest: ", s.message()));
      return;
    }
    CheckpointStats stats = pending_.stats;
    stats.state = CheckpointState::kCompleted;
    stats.size_bytes = m.total_bytes;
    stats.dir = DirOf(m.checkpoint_id);
    FinishLocked(std::move(stats));
    completed_id_.store(m.checkpoint_id, std::memory_order_release);
  }
  if (absl::Status r = ApplyRetention(o_.fs, o_.dir, std::max(1, o_.retain)); !r.ok()) {
    LogWarning("checkpoint retention failed", {{"job", o_.job_id}, {"error", r.message()}});
  }
  if (on_complete_) on_complete_();
}

void CheckpointCoordinator::Tick() {
  absl::MutexLock t(&tick_mu_);
  std::vector<TaskAck> acks;
  int64_t pid = 0;
  {
    absl::MutexLock l(&mu_);
    pid = has_pending_ ? pending_.stats.id : 0;
    // Only the first ack of each task of the pending checkpoint counts.
    std::vector<uint8_t> seen = has_pending_ ? pending_.acked : std::vector<uint8_t>();
    for (TaskAck& a : inbox_) {
      if (a.checkpoint_id != pid || a.task < 0 || a.task >= o_.num_tasks || seen[a.task]) continue;
      seen[a.task] = 1;
      acks.push_back(std::move(a));
    }
    inbox_.clear();
  }
  std::vector<absl::Status> persisted;
  for (TaskAck& a : acks) persisted.push_back(Persist(a));
  bool all_acked = false;
  {
    absl::MutexLock l(&mu_);
    for (size_t i = 0; i < acks.size() && has_pending_; ++i) {
      TaskAck& a = acks[i];
      if (a.checkpoint_id != pid || a.task < 0 || a.task >= o_.num_tasks) continue;
      if (!persisted[i].ok()) {
        AbortLocked(absl::StrCat("persisting task ", a.state.name, ": ", persisted[i].message()));
        break;
      }
      if (pending_.acked[a.task]) continue;
      pending_.acked[a.task] = 1;
      ++pending_.stats.acked;
      pending_.stats.alignment_ms =
          std::max(pending_.stats.alignment_ms, a.state.alignment_ns / 1'000'000);
      pending_.manifest.tasks.push_back(std::move(a.state));
      for (auto& [entry, _] : a.ops) pending_.manifest.operators.push_back(std::move(entry));
    }
    for (const auto& [id, why] : declines_) {
      if (has_pending_ && id == pending_.stats.id) AbortLocked(why);
    }
    declines_.clear();
    const int64_t now = o_.clock->MonotonicNanos();
    if (has_pending_ && finished_ && pending_.stats.acked < o_.num_tasks) {
      AbortLocked("a task finished before acknowledging it");
    } else if (has_pending_ && now - pending_.trigger_ns > o_.timeout_ms * 1'000'000) {
      AbortLocked(absl::StrCat("timed out after ", o_.timeout_ms, " ms (", pending_.stats.acked,
                               " of ", o_.num_tasks, " tasks acknowledged)"));
    }
    all_acked = has_pending_ && pending_.stats.acked == o_.num_tasks;
    if (!has_pending_ && !all_acked && o_.interval_ms > 0 && !finished_ &&
        now - last_trigger_ns_ >= o_.interval_ms * 1'000'000 &&
        now - last_end_ns_ >= o_.min_pause_ms * 1'000'000) {
      StartLocked(/*savepoint=*/false);
    }
  }
  if (all_acked) Complete();
}

absl::StatusOr<int64_t> CheckpointCoordinator::TriggerNow(bool savepoint) {
  absl::MutexLock t(&tick_mu_);
  absl::MutexLock l(&mu_);
  if (finished_) return absl::UnavailableError("the job has finished tasks; no checkpoint possible");
  if (has_pending_) {
    return absl::UnavailableError(
        absl::StrCat("checkpoint ", pending_.stats.id, " is in progress; retry"));
  }
  StartLocked(savepoint);
  if (!has_pending_) return absl::InternalError(history_.back().failure);
  return pending_.stats.id;
}

absl::StatusOr<CheckpointStats> CheckpointCoordinator::Await(int64_t id, absl::Duration timeout) {
  absl::MutexLock l(&mu_);
  auto done = [this, id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const CheckpointStats& s : history_) {
      if (s.id == id) return true;
    }
    return false;
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat("checkpoint ", id, " still in progress"));
  }
  for (const CheckpointStats& s : history_) {
    if (s.id != id) continue;
    if (s.state == CheckpointState::kAborted) {
      return absl::AbortedError(absl::StrCat("checkpoint ", id, " aborted: ", s.failure));
    }
    return s;
  }
  return absl::InternalError("checkpoint vanished from history");
}

void CheckpointCoordinator::Ack(TaskAck ack) {
  absl::MutexLock l(&mu_);
  inbox_.push_back(std::move(ack));
}

void CheckpointCoordinator::Decline(int64_t id, const absl::Status& why) {
  absl::MutexLock l(&mu_);
  declines_.emplace_back(id, std::string(why.message()));
}

void CheckpointCoordinator::TaskFinished() {
  absl::MutexLock l(&mu_);
  finished_ = true;
}

std::vector<CheckpointStats> CheckpointCoordinator::History() const {
  absl::MutexLock l(&mu_);
  std::vector<CheckpointStats> out(history_.begin(), history_.end());
  if (has_pending_) out.push_back(pending_.stats);
  return out;
}

}  // namespace rtai::engine::runtime
