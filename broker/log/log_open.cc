// PartitionLog::Open and LogImpl::Load: directory listing, stray-file
// cleanup and per-segment recovery (rules in docs/formats/log.md).

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/log/log_impl.h"

namespace rtai::broker {

namespace {

constexpr int kBaseDigits = 20;

// "<20 digits><ext>" -> base offset; false for anything else.
bool ParseSegmentName(absl::string_view name, absl::string_view ext,
                      int64_t* base) {
  if (name.size() != kBaseDigits + ext.size() || !absl::EndsWith(name, ext))
    return false;
  const absl::string_view digits = name.substr(0, kBaseDigits);
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(digits, base) && *base >= 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PartitionLog>> PartitionLog::Open(
    std::string dir, PartitionLogName name, LogConfig config, FileSystem* fs,
    Clock* clock) {
  RETURN_IF_ERROR(config.Validate());
  auto log = std::make_unique<LogImpl>(std::move(dir), std::move(name), config,
                                       fs, clock);
  RETURN_IF_ERROR(log->Load());
  return std::unique_ptr<PartitionLog>(std::move(log));
}

absl::Status LogImpl::RemoveStrayFiles(const std::vector<std::string>& names,
                                       std::vector<Offset>* bases) {
  std::vector<int64_t> logs;
  for (const std::string& n : names) {
    int64_t base;
    if (ParseSegmentName(n, ".log", &base)) logs.push_back(base);
  }
  std::sort(logs.begin(), logs.end());
  for (const std::string& n : names) {
    int64_t base;
    if (ParseSegmentName(n, ".log", &base)) continue;
    const bool index = ParseSegmentName(n, ".index", &base) ||
                       ParseSegmentName(n, ".timeindex", &base) ||
                       ParseSegmentName(n, ".txnindex", &base);
    const bool orphan =
        index && !std::binary_search(logs.begin(), logs.end(), base);
    const bool temp =
        absl::EndsWith(n, ".tmp") || absl::EndsWith(n, ".deleted");
    if (index && !orphan) continue;
    if (!orphan && !temp) {
      LogWarning("unknown file in partition directory left alone",
                 {{"topic", name_.topic},
                  {"partition", name_.partition},
                  {"file", n}});
      continue;
    }
    LogWarning(
        "removing stray file",
        {{"topic", name_.topic}, {"partition", name_.partition}, {"file", n}});
    RETURN_IF_ERROR(fs_->DeleteFile(JoinPath(dir_, n)));
  }
  for (int64_t b : logs) bases->push_back(Offset(b));
  return absl::OkStatus();
}

absl::Status LogImpl::Load() {
  RETURN_IF_ERROR(fs_->CreateDirs(dir_));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir_));
  std::vector<Offset> bases;
  RETURN_IF_ERROR(RemoveStrayFiles(names, &bases));
  LogConfig config;
  {
    absl::ReaderMutexLock l(&mu_);
    config = config_;
  }
  std::vector<SegmentPtr> segments;
  if (bases.empty()) {
    ASSIGN_OR_RETURN(auto seg, Segment::Create(fs_, dir_, Offset(0)));
    segments.push_back(std::move(seg));
    RETURN_IF_ERROR(fs_->SyncDir(dir_));
  }
  for (size_t i = 0; i < bases.size(); ++i) {
    const bool active = i + 1 == bases.size();
    SegmentRecovery report;
    ASSIGN_OR_RETURN(
        auto seg, Segment::Open(fs_, dir_, bases[i],
                                config.index_interval_bytes, active, &report));
    if (report.dropped_bytes > 0) {
      LogWarning("truncated torn or corrupt tail of segment",
                 {{"topic", name_.topic},
                  {"partition", name_.partition},
                  {"segment", seg->log_path()},
                  {"offset", seg->next_offset().value()},
                  {"bytes_dropped", report.dropped_bytes},
                  {"reason", report.reason}});
    }
    if (report.corrupt_position >= 0) {
      LogError(
          "corrupt batch in sealed segment left in place; reads of it fail",
          {{"topic", name_.topic},
           {"partition", name_.partition},
           {"segment", seg->log_path()},
           {"position", report.corrupt_position},
           {"offset", seg->next_offset().value()},
           {"reason", report.reason}});
    }
    if (report.indexes_rebuilt) {
      LogInfo("rebuilt segment indexes", {{"topic", name_.topic},
                                          {"partition", name_.partition},
                                          {"segment", seg->log_path()}});
    }
    if (!segments.empty() &&
        seg->base_offset() < segments.back()->next_offset()) {
      return absl::DataLossError(
          absl::StrCat("partition ", LogName(), ": segment ", seg->log_path(),
                       " starts at offset ", seg->base_offset().value(),
                       " inside the previous segment, which ends at ",
                       segments.back()->next_offset().value()));
    }
    segments.push_back(std::move(seg));
  }
  SegmentPtr active = segments.back();
  // What survived a crash may still sit only in the page cache.
  RETURN_IF_ERROR(active->SyncLog());
  roll_base_ms_ = active->first_batch_timestamp_ms();
  {
    absl::MutexLock l(&mu_);
    segments_ = std::move(segments);
    active_size_ = active->size_bytes();
    end_offset_ = active->next_offset();
  }
  durable_end_.store(active->next_offset().value());
  absl::MutexLock a(&append_mu_);
  return RecoverProducerState(LoadTxnIndexes());
}

}  // namespace rtai::broker
