#include "broker/core/disk_worker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/logging.h"

namespace rtai::broker {

absl::Status FsyncFailedError(const PartitionState& p,
                              const absl::Status& cause) {
  LogError("fsync failed; partition accepts no more writes",
           {{"topic", p.topic},
            {"partition", p.partition.value()},
            {"error", cause.ToString()}});
  return absl::FailedPreconditionError(absl::StrCat(
      "fsync of ", p.topic, "-", p.partition.value(),
      " failed; the partition's log is failed: ", cause.message()));
}

absl::Status SyncForAcks(PartitionState& p) {
  absl::ReaderMutexLock l(&p.life_mu);
  if (p.closed) return PartitionGoneError(p);
  absl::Status s = p.log->Sync();
  return s.ok() ? s : FsyncFailedError(p, s);
}

DiskWorker::DiskWorker(int index, GroupCommitter* committer, Hooks hooks)
    : index_(index),
      committer_(committer),
      hooks_(std::move(hooks)),
      thread_([this] { Run(); }) {}

DiskWorker::~DiskWorker() { Stop(); }

void DiskWorker::Push(DiskTask task) {
  {
    absl::MutexLock l(&mu_);
    if (!stop_) {
      queue_.push_back(std::move(task));
      return;
    }
  }
  if (task.kind == DiskTask::Kind::kAppend) {
    Finish(task, absl::UnavailableError("broker is shutting down"));
  }
}

void DiskWorker::Stop() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DiskWorker::Finish(DiskTask& task, absl::StatusOr<AppendInfo> result) {
  if (task.done) task.done(std::move(result));
  task.done = nullptr;
  if (task.admitted && hooks_.released) hooks_.released(task.admitted_bytes);
  task.admitted = false;
}

void DiskWorker::Run() {
  std::vector<DiskTask> group;
  for (;;) {
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(
          +[](DiskWorker* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
            return w->stop_ || !w->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopped and drained
      const size_t n = std::min(queue_.size(), kMaxGroup);
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ProcessGroup(group);
    group.clear();
  }
}

namespace {

// What an acks=all append hears when its fsync request failed.
absl::Status DurabilityError(PartitionState& p, const absl::Status& s) {
  {
    absl::ReaderMutexLock l(&p.life_mu);
    if (p.closed) return PartitionGoneError(p);  // topic deleted meanwhile
  }
  if (s.code() == absl::StatusCode::kFailedPrecondition) return s;
  return FsyncFailedError(p, s);
}

}  // namespace

void DiskWorker::RequestDurable(DiskTask* task, const AppendInfo& info) {
  std::shared_ptr<PartitionState> p = task->partition;
  ProduceCallback done = std::move(task->done);
  const bool admitted = task->admitted;
  const int64_t bytes = task->admitted_bytes;
  task->admitted = false;
  // The callback keeps `p` (and so its log) alive while the request pends.
  committer_->RequestSync(p->log.get(), Offset(info.last_offset.value() + 1),
                          [this, p, done = std::move(done), admitted, bytes,
                           info](absl::Status s) mutable {
                            if (done) {
                              if (s.ok()) {
                                done(info);
                              } else {
                                done(DurabilityError(*p, s));
                              }
                            }
                            if (admitted && hooks_.released)
                              hooks_.released(bytes);
                            if (hooks_.hw_moved) hooks_.hw_moved(p);
                          });
}

void DiskWorker::ProcessGroup(std::vector<DiskTask>& group) {
  // Latest append per kPerWrite partition whose durability nobody awaits
  // (acks=1 / acks=0): one sync request each, so the high watermark moves.
  std::vector<std::pair<DiskTask*, AppendInfo>> unawaited;
  std::vector<std::shared_ptr<PartitionState>> interval_touched;
  for (DiskTask& task : group) {
    PartitionState& p = *task.partition;
    if (task.kind == DiskTask::Kind::kSync) {
      p.sync_queued = false;
      (void)SyncForAcks(p);
      continue;
    }
    if (task.kind == DiskTask::Kind::kRetention) {
      p.retention_queued = false;
      absl::ReaderMutexLock l(&p.life_mu);
      if (p.closed) continue;
      absl::StatusOr<int> deleted = p.log->EnforceRetention();
      if (!deleted.ok()) {
        LogWarning("retention failed",
                   {{"topic", p.topic},
                    {"partition", p.partition.value()},
                    {"error", deleted.status().ToString()}});
      }
      continue;
    }
    absl::StatusOr<AppendInfo> info;
    {
      absl::ReaderMutexLock l(&p.life_mu);
      info = p.closed ? PartitionGoneError(p)
                      : p.log->Append(std::move(task.batch), p.leader_epoch);
    }
    if (!info.ok()) {
      Finish(task, info.status());
      continue;
    }
    if (p.flush_policy == FlushPolicy::kPerWrite && task.acks == Acks::kAll) {
      RequestDurable(&task, *info);
      continue;
    }
    Finish(task, *info);
    if (p.flush_policy == FlushPolicy::kInterval) {
      if (std::find(interval_touched.begin(), interval_touched.end(),
                    task.partition) == interval_touched.end()) {
        interval_touched.push_back(task.partition);
      }
      continue;
    }
    auto it = std::find_if(
        unawaited.begin(), unawaited.end(),
        [&](const auto& e) { return e.first->partition == task.partition; });
    if (it == unawaited.end()) {
      unawaited.emplace_back(&task, *info);
    } else {
      *it = {&task, *info};
    }
  }
  for (auto& [task, info] : unawaited) RequestDurable(task, info);
  for (const auto& p : interval_touched) {
    if (hooks_.hw_moved) hooks_.hw_moved(p);
  }
}

}  // namespace rtai::broker
