#include "broker/log/group_commit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/check.h"

namespace rtai::broker {

GroupCommitter::GroupCommitter(GroupCommitOptions options) : options_(options) {
  CHECK_GE(options_.disk_threads, 1);
  CHECK_GE(options_.max_pending_requests, 1);
  if (options_.metrics != nullptr) {
    fsync_duration_ = options_.metrics->AddHistogram(
        "rtai_log_fsync_duration_seconds", "Duration of group-commit log fsyncs.",
        metrics::LatencyBoundsNanos(), 1e-9);
    round_waiters_ = options_.metrics->AddHistogram(
        "rtai_log_group_commit_waiters", "Appends made durable by one group-commit round.",
        metrics::ExponentialBounds(1, 2.0, 14));
  }
  for (int i = 0; i < options_.disk_threads; ++i) {
    threads_.emplace_back([this] { DiskThread(); });
  }
}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
  absl::MutexLock l(&mu_);
  CHECK_EQ(pending_, 0);
}

void GroupCommitter::RequestSync(PartitionLog* log, Offset up_to,
                                 absl::AnyInvocable<void(absl::Status)> done) {
  if (log->durable_end_offset() >= up_to) {
    done(absl::OkStatus());
    return;
  }
  absl::Status reject;
  {
    absl::MutexLock l(&mu_);
    if (stopping_) {
      reject =
          absl::FailedPreconditionError("group committer is shutting down");
    } else if (pending_ >= options_.max_pending_requests) {
      reject = absl::ResourceExhaustedError(absl::StrCat(
          "group commit queue full (", options_.max_pending_requests,
          " waiting syncs); retry later"));
    } else {
      LogState& state = logs_[log];
      state.waiters.push_back({up_to, std::move(done)});
      ++pending_;
      if (!state.queued && !state.in_flight) {
        state.queued = true;
        ready_.push_back(log);
      }
      return;
    }
  }
  done(reject);
}

absl::Status GroupCommitter::SyncBlocking(PartitionLog* log, Offset up_to) {
  absl::Notification n;
  absl::Status result;
  RequestSync(log, up_to, [&](absl::Status s) {
    result = std::move(s);
    n.Notify();
  });
  n.WaitForNotification();
  return result;
}

int64_t GroupCommitter::sync_calls() const {
  absl::MutexLock l(&mu_);
  return sync_calls_;
}

void GroupCommitter::DiskThread() {
  while (true) {
    PartitionLog* log;
    std::vector<Waiter> round;
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(this, &GroupCommitter::HasWorkOrStopping));
      if (ready_.empty()) return;  // stopping, and nothing left to serve
      log = ready_.front();
      ready_.pop_front();
      LogState& state = logs_[log];
      state.queued = false;
      state.in_flight = true;
      round.swap(state.waiters);
    }
    Offset max_up_to = round.front().up_to;
    for (const Waiter& w : round) max_up_to = std::max(max_up_to, w.up_to);
    absl::Status status;
    bool synced = false;
    if (log->durable_end_offset() < max_up_to) {
      const int64_t start =
          fsync_duration_ != nullptr ? options_.metrics->clock()->MonotonicNanos() : 0;
      status = log->Sync();  // makes everything appended so far durable
      synced = true;
      if (fsync_duration_ != nullptr) {
        fsync_duration_->Observe(options_.metrics->clock()->MonotonicNanos() - start);
        round_waiters_->Observe(static_cast<int64_t>(round.size()));
      }
    }
    const Offset durable = log->durable_end_offset();
    {
      absl::MutexLock l(&mu_);
      if (synced) ++sync_calls_;
      pending_ -= static_cast<int64_t>(round.size());
      LogState& state = logs_[log];
      state.in_flight = false;
      if (!state.waiters.empty()) {
        state.queued = true;
        ready_.push_back(log);
      } else {
        logs_.erase(log);
      }
    }
    for (Waiter& w : round) {
      if (w.up_to <= durable) {
        w.done(absl::OkStatus());
      } else if (!status.ok()) {
        w.done(status);
      } else {
        w.done(absl::OutOfRangeError(absl::StrCat(
            "sync requested up to offset ", w.up_to.value(),
            " but the log ends at ", log->log_end_offset().value())));
      }
    }
  }
}

}  // namespace rtai::broker
