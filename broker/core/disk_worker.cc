#include "broker/core/disk_worker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/logging.h"

namespace rtai::broker {

absl::Status SyncForAcks(PartitionState& p) {
  absl::ReaderMutexLock l(&p.life_mu);
  if (p.closed) return PartitionGoneError(p);
  absl::Status s = p.log->Sync();
  if (s.ok()) return s;
  LogError("fsync failed; partition accepts no more writes",
           {{"topic", p.topic}, {"partition", p.partition.value()},
            {"error", s.ToString()}});
  return absl::FailedPreconditionError(
      absl::StrCat("fsync of ", p.topic, "-", p.partition.value(),
                   " failed; the partition's log is failed: ", s.message()));
}

DiskWorker::DiskWorker(int index, Hooks hooks)
    : index_(index), hooks_(std::move(hooks)), thread_([this] { Run(); }) {}

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

void DiskWorker::ProcessGroup(std::vector<DiskTask>& group) {
  // acks=all appends to kPerWrite partitions wait for the group's fsync.
  std::vector<std::pair<DiskTask*, AppendInfo>> await_sync;
  std::vector<std::shared_ptr<PartitionState>> touched;
  auto touch = [&touched](const std::shared_ptr<PartitionState>& p) {
    if (std::find(touched.begin(), touched.end(), p) == touched.end()) {
      touched.push_back(p);
    }
  };
  for (DiskTask& task : group) {
    PartitionState& p = *task.partition;
    if (task.kind == DiskTask::Kind::kSync) {
      p.sync_queued = false;
      (void)SyncForAcks(p);
      touch(task.partition);
      continue;
    }
    if (task.kind == DiskTask::Kind::kRetention) {
      p.retention_queued = false;
      absl::ReaderMutexLock l(&p.life_mu);
      if (p.closed) continue;
      absl::StatusOr<int> deleted = p.log->EnforceRetention();
      if (!deleted.ok()) {
        LogWarning("retention failed", {{"topic", p.topic},
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
    touch(task.partition);
    if (p.flush_policy == FlushPolicy::kPerWrite && task.acks == Acks::kAll) {
      await_sync.emplace_back(&task, *info);
    } else {
      Finish(task, *std::move(info));
    }
  }
  // One fsync per kPerWrite partition for the whole group (group commit).
  std::vector<std::pair<PartitionState*, absl::Status>> synced;
  for (const auto& p : touched) {
    if (p->flush_policy == FlushPolicy::kPerWrite) {
      synced.emplace_back(p.get(), SyncForAcks(*p));
    }
  }
  for (auto& [task, info] : await_sync) {
    absl::Status s = absl::OkStatus();
    for (auto& [p, status] : synced) {
      if (p == task->partition.get()) s = status;
    }
    if (s.ok()) {
      Finish(*task, info);
    } else {
      Finish(*task, s);
    }
  }
  for (const auto& p : touched) {
    if (hooks_.hw_moved) hooks_.hw_moved(p);
  }
}

}  // namespace rtai::broker
