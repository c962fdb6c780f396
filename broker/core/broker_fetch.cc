// BrokerImpl's read path: Fetch and the long poll (parked fetches woken when
// the high watermark moves or their deadline passes).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "broker/core/broker_impl.h"

namespace rtai::broker {

void BrokerImpl::Fetch(const std::string& topic, PartitionId partition,
                       Offset offset, int32_t max_bytes, int64_t max_wait_ms,
                       FetchCallback done) {
  FetchIsolated(topic, partition, offset, max_bytes, max_wait_ms,
                Isolation::kReadUncommitted, std::move(done));
}

void BrokerImpl::FetchIsolated(const std::string& topic, PartitionId partition,
                               Offset offset, int32_t max_bytes,
                               int64_t max_wait_ms, Isolation isolation,
                               FetchCallback done) {
  if (stopping_) return done(absl::UnavailableError("broker is shutting down"));
  if (max_bytes < 1) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("fetch max_bytes ", max_bytes, " must be >= 1")));
  }
  absl::StatusOr<std::shared_ptr<PartitionState>> found =
      FindPartition(topic, partition);
  if (!found.ok()) return done(found.status());
  std::shared_ptr<PartitionState> p = *std::move(found);
  bool serve_now = false;
  {
    absl::ReaderMutexLock l(&p->life_mu);
    if (p->closed) return done(PartitionGoneError(*p));
    const Offset start = p->log->log_start_offset();
    const Offset end = p->log->log_end_offset();
    const Offset hw = p->HighWatermark();
    if (offset < start || offset > end) {
      return done(absl::OutOfRangeError(absl::StrCat(
          "offset ", offset.value(), " is out of range for ", topic, "-",
          partition.value(), ": log start ", start.value(), ", high watermark ",
          hw.value(), ", log end ", end.value())));
    }
    serve_now = offset < p->ReadLimit(isolation) || max_wait_ms <= 0;
  }
  if (serve_now) return done(p->Read(offset, max_bytes, isolation));
  Park(std::move(p), offset, max_bytes, max_wait_ms, isolation,
       std::move(done));
}

void BrokerImpl::Park(std::shared_ptr<PartitionState> p, Offset offset,
                      int32_t max_bytes, int64_t max_wait_ms,
                      Isolation isolation, FetchCallback done) {
  const int64_t wait_ms = std::min(max_wait_ms, options_.max_fetch_wait_ms);
  if (parked_fetches_.fetch_add(1) >= options_.max_parked_fetches) {
    parked_fetches_.fetch_sub(1);
    // Limit reached: answer empty.
    return done(p->Read(offset, max_bytes, isolation));
  }
  {
    absl::ReaderMutexLock life(&p->life_mu);
    if (!p->closed) {
      absl::MutexLock w(&p->waiters_mu);
      // Re-checked under waiters_mu: WakeFetches takes it after the high
      // watermark moved, so either we see the new value or it sees us.
      if (offset >= p->ReadLimit(isolation) && !stopping_) {
        const uint64_t id = next_waiter_id_.fetch_add(1);
        std::weak_ptr<PartitionState> weak = p;
        const uint64_t timer_id = timer_->Schedule(wait_ms, [this, weak, id] {
          if (std::shared_ptr<PartitionState> sp = weak.lock())
            ExpireFetch(sp, id);
        });
        p->waiters.emplace(id, ParkedFetch{offset, max_bytes, isolation,
                                           timer_id, std::move(done)});
        return;
      }
    }
  }
  parked_fetches_.fetch_sub(1);
  done(p->Read(offset, max_bytes, isolation));
}

void BrokerImpl::WakeFetches(const std::shared_ptr<PartitionState>& p) {
  std::vector<ParkedFetch> ready;
  {
    absl::ReaderMutexLock life(&p->life_mu);
    if (p->closed) return;
    const Offset hw = p->HighWatermark();
    const Offset lso = p->LastStableOffset();
    absl::MutexLock w(&p->waiters_mu);
    for (auto it = p->waiters.begin(); it != p->waiters.end();) {
      const bool committed =
          it->second.isolation == Isolation::kReadCommitted;
      if (it->second.offset < (committed ? lso : hw)) {
        ready.push_back(std::move(it->second));
        it = p->waiters.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (ParkedFetch& f : ready) {
    timer_->Cancel(f.timer_id);
    parked_fetches_.fetch_sub(1);
    f.done(p->Read(f.offset, f.max_bytes, f.isolation));
  }
}

void BrokerImpl::ExpireFetch(const std::shared_ptr<PartitionState>& p,
                             uint64_t waiter_id) {
  ParkedFetch f;
  {
    absl::MutexLock w(&p->waiters_mu);
    auto it = p->waiters.find(waiter_id);
    if (it == p->waiters.end()) return;  // already woken
    f = std::move(it->second);
    p->waiters.erase(it);
  }
  parked_fetches_.fetch_sub(1);
  f.done(p->Read(f.offset, f.max_bytes, f.isolation));
}

void BrokerImpl::CompleteAllParked(PartitionState& p,
                                   const absl::Status& status) {
  std::map<uint64_t, ParkedFetch> all;
  {
    absl::MutexLock w(&p.waiters_mu);
    all.swap(p.waiters);
  }
  for (auto& [id, f] : all) {
    timer_->Cancel(f.timer_id);
    parked_fetches_.fetch_sub(1);
    if (status.ok()) {
      f.done(p.Read(f.offset, f.max_bytes, f.isolation));
    } else {
      f.done(status);
    }
  }
}

}  // namespace rtai::broker
