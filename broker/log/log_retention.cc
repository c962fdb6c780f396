// LogImpl::EnforceRetention (rules in docs/formats/log.md).

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/log/log_impl.h"

namespace rtai::broker {

absl::StatusOr<int> LogImpl::EnforceRetention() {
  absl::MutexLock a(&append_mu_);
  LogConfig config;
  {
    absl::ReaderMutexLock l(&mu_);
    RETURN_IF_ERROR(Usable());
    config = config_;
  }
  const int64_t now = clock_->NowMillis();
  if (roll_base_ms_ >= 0 && now - roll_base_ms_ >= config.segment_ms &&
      segments_.back()->size_bytes() > 0) {
    RETURN_IF_ERROR(RollLocked());
  }
  std::vector<SegmentPtr> doomed;
  {
    absl::MutexLock l(&mu_);
    int64_t total = active_size_;
    for (size_t i = 0; i + 1 < segments_.size(); ++i)
      total += segments_[i]->size_bytes();
    size_t n = 0;
    for (; n + 1 < segments_.size(); ++n) {  // never the active segment
      const Segment& seg = *segments_[n];
      const bool expired = config.retention_ms >= 0 &&
                           (seg.max_timestamp_ms() == kNoTimestamp ||
                            now - seg.max_timestamp_ms() > config.retention_ms);
      const bool over_size = config.retention_bytes >= 0 &&
                             total - seg.size_bytes() >= config.retention_bytes;
      if (!expired && !over_size) break;
      total -= seg.size_bytes();
    }
    doomed.assign(segments_.begin(), segments_.begin() + n);
    segments_.erase(segments_.begin(), segments_.begin() + n);
  }
  for (const SegmentPtr& seg : doomed) {
    // Readers holding the segment keep reading through their open fds.
    RETURN_IF_ERROR(seg->DeleteFiles());
    LogInfo("deleted segment past retention",
            {{"topic", name_.topic},
             {"partition", name_.partition},
             {"segment", seg->log_path()},
             {"max_timestamp_ms", seg->max_timestamp_ms()},
             {"bytes", seg->size_bytes()}});
  }
  if (!doomed.empty()) RETURN_IF_ERROR(fs_->SyncDir(dir_));
  return static_cast<int>(doomed.size());
}

}  // namespace rtai::broker
