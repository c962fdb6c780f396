#include "broker/log/log_impl.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/log/txn_batch.h"

namespace rtai::broker {

LogImpl::LogImpl(std::string dir, PartitionLogName name, LogConfig config,
                 FileSystem* fs, Clock* clock)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      fs_(fs),
      clock_(clock),
      config_(config) {}

LogImpl::~LogImpl() {
  // No fsync here: an unclosed log behaves like a crashed process (tests
  // rely on it). Files are closed by the segments' destructors.
}

std::string LogImpl::LogName() const {
  return absl::StrCat(name_.topic, "-", name_.partition);
}

LogImpl::View LogImpl::Snapshot() const {
  absl::ReaderMutexLock l(&mu_);
  return View{segments_, active_size_, segments_.front()->base_offset(),
              end_offset_};
}

absl::Status LogImpl::Usable() const {
  if (!failure_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "partition log ", LogName(), " has failed: ", failure_.ToString()));
  }
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("partition log ", LogName(), " is closed"));
  }
  return absl::OkStatus();
}

absl::Status LogImpl::Fail(const absl::Status& cause) {
  absl::MutexLock l(&mu_);
  if (failure_.ok()) {
    failure_ = cause;
    LogError("partition log failed; no further appends or acks",
             {{"topic", name_.topic},
              {"partition", name_.partition},
              {"error", cause.ToString()}});
  }
  return Usable();
}

bool LogImpl::ShouldRoll(const BatchHeader& h, int64_t size,
                         const LogConfig& config) {
  const Segment& active = *segments_.back();
  const int64_t used = active.size_bytes();
  if (used == 0) return false;
  if (used + size > config.segment_bytes) return true;
  if (roll_base_ms_ >= 0 &&
      clock_->NowMillis() - roll_base_ms_ >= config.segment_ms) {
    return true;
  }
  // Relative offsets in the indexes are 32-bit.
  const int64_t end = end_offset_.value();
  return end + h.last_offset_delta - active.base_offset().value() > INT32_MAX;
}

absl::StatusOr<AppendInfo> LogImpl::Append(std::string batch,
                                           LeaderEpoch leader_epoch) {
  LogConfig config;
  {
    absl::ReaderMutexLock l(&mu_);
    config = config_;
  }
  RETURN_IF_ERROR(ValidateBatch(batch, config.max_message_bytes));
  ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(batch));
  if (h.last_offset_delta != h.records_count - 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("record batch: lastOffsetDelta ", h.last_offset_delta,
                     " != recordsCount-1 (", h.records_count - 1,
                     "); producer batches have consecutive offsets"));
  }
  const int64_t size = static_cast<int64_t>(batch.size());
  absl::MutexLock a(&append_mu_);
  {
    absl::ReaderMutexLock l(&mu_);
    RETURN_IF_ERROR(Usable());
  }
  ASSIGN_OR_RETURN(std::optional<ProducerBatch> dup, CheckProducer(h, batch));
  if (dup.has_value()) {
    AppendInfo info{Offset(dup->base_offset), Offset(dup->last_offset),
                    h.records_count, dup->max_timestamp, 0};
    info.duplicate = true;
    return info;
  }
  // end_offset_ and segments_ change only under append_mu_, held here.
  if (ShouldRoll(h, size, config)) RETURN_IF_ERROR(RollLocked());
  const Offset base = end_offset_;
  StampBaseOffset(batch.data(), base);
  StampPartitionLeaderEpoch(batch.data(), leader_epoch);
  h.base_offset = base.value();
  h.partition_leader_epoch = leader_epoch.value();
  Segment& active = *segments_.back();
  absl::Status s = active.Append(batch, h, config.index_interval_bytes);
  if (!s.ok()) return Fail(s);
  if (roll_base_ms_ < 0) roll_base_ms_ = clock_->NowMillis();
  // Before the batch is published, so no reader sees an open transaction's
  // data without the last stable offset held below it.
  s = RecordProducer(h, batch);
  if (!s.ok()) return Fail(s);
  {
    absl::MutexLock l(&mu_);
    end_offset_ = Offset(h.last_offset() + 1);
    active_size_ = active.size_bytes();
  }
  return AppendInfo{base, Offset(h.last_offset()), h.records_count,
                    h.max_timestamp, size};
}

absl::StatusOr<std::optional<ProducerBatch>> LogImpl::CheckProducer(
    const BatchHeader& h, absl::string_view batch) {
  if (h.producer_id < 0) {
    if (h.is_control() || h.is_transactional()) {
      return absl::InvalidArgumentError(
          "transactional or control batch without a producer id");
    }
    return std::optional<ProducerBatch>();
  }
  if (h.is_control()) {
    RETURN_IF_ERROR(ParseControlBatch(batch).status());
    RETURN_IF_ERROR(txns_.CheckMarker(h));
    return std::optional<ProducerBatch>();
  }
  RETURN_IF_ERROR(txns_.CheckData(h));
  // Written by the broker itself (transactional offset commits): no
  // sequence, so no idempotence; the transaction guards still apply.
  if (h.is_transactional() && h.base_sequence < 0) {
    return std::optional<ProducerBatch>();
  }
  return producers_.Check(h);
}

absl::Status LogImpl::RecordProducer(const BatchHeader& h,
                                     absl::string_view batch) {
  if (h.producer_id < 0) return absl::OkStatus();
  if (!h.is_control()) {
    if (!h.is_transactional() || h.base_sequence >= 0) producers_.Record(h);
    txns_.OnData(h);
    PublishFirstUnstable();
    return absl::OkStatus();
  }
  const absl::StatusOr<TxnMarker> marker = ParseControlBatch(batch);
  const std::optional<int64_t> first = txns_.OnMarker(h);
  PublishFirstUnstable();
  if (!marker.ok() || marker->commit || !first.has_value()) {
    return absl::OkStatus();
  }
  const std::optional<int64_t> unstable = txns_.FirstUnstableOffset();
  AbortedTxn e{h.producer_id, *first, h.base_offset,
               std::min(unstable.value_or(INT64_MAX), h.base_offset + 1)};
  return segments_.back()->txn_index().Append(e);
}

void LogImpl::PublishFirstUnstable() {
  first_unstable_.store(txns_.FirstUnstableOffset().value_or(-1),
                        std::memory_order_release);
}

absl::Status LogImpl::BeginTransaction(int64_t producer_id, int16_t epoch) {
  absl::MutexLock a(&append_mu_);
  {
    absl::ReaderMutexLock l(&mu_);
    RETURN_IF_ERROR(Usable());
  }
  return txns_.Begin(producer_id, epoch);
}

std::vector<AbortedTxn> LogImpl::AbortedTransactions(Offset from,
                                                     Offset upper) const {
  const View v = Snapshot();
  std::vector<AbortedTxn> out;
  auto it = std::upper_bound(
      v.segments.begin(), v.segments.end(), from,
      [](Offset o, const SegmentPtr& s) { return o < s->base_offset(); });
  if (it != v.segments.begin()) --it;
  for (; it != v.segments.end(); ++it) {
    if ((*it)->txn_index().Collect(from.value(), upper.value(), &out)) break;
  }
  return out;
}

absl::Status LogImpl::RollLocked() {
  SegmentPtr old;
  {
    absl::MutexLock s(&sync_mu_);
    {
      absl::ReaderMutexLock l(&mu_);
      old = segments_.back();
    }
    absl::Status st = old->CloseWriters(/*sync=*/true);
    if (!st.ok()) return Fail(st);
    int64_t durable = durable_end_.load();
    const int64_t end = old->next_offset().value();
    while (durable < end && !durable_end_.compare_exchange_weak(durable, end)) {
    }
  }
  auto created = Segment::Create(fs_, dir_, old->next_offset());
  if (!created.ok()) return Fail(created.status());
  absl::Status st = fs_->SyncDir(dir_);
  if (!st.ok()) return Fail(st);
  {
    absl::MutexLock l(&mu_);
    segments_.push_back(std::move(*created));
    active_size_ = 0;
  }
  roll_base_ms_ = -1;
  LogInfo("segment rolled", {{"topic", name_.topic},
                             {"partition", name_.partition},
                             {"sealed_bytes", old->size_bytes()},
                             {"new_base_offset", old->next_offset().value()}});
  return absl::OkStatus();
}

absl::Status LogImpl::Sync() {
  absl::MutexLock s(&sync_mu_);
  SegmentPtr active;
  int64_t target;
  {
    absl::ReaderMutexLock l(&mu_);
    RETURN_IF_ERROR(Usable());
    active = segments_.back();
    target = end_offset_.value();
  }
  // Group commit: a Sync that queued behind another may find its data
  // already durable.
  if (target <= durable_end_.load(std::memory_order_acquire))
    return absl::OkStatus();
  absl::Status st = active->SyncLog();
  if (!st.ok()) return Fail(st);
  durable_end_.store(std::max(durable_end_.load(), target),
                     std::memory_order_release);
  return absl::OkStatus();
}

absl::StatusOr<ReadResult> LogImpl::Read(Offset from, int32_t max_bytes,
                                         Offset limit) const {
  const View v = Snapshot();
  if (from < v.start || from > v.end) {
    return absl::OutOfRangeError(absl::StrCat(
        "partition ", LogName(), ": offset ", from.value(), " is outside [",
        v.start.value(), ", ", v.end.value(), "]"));
  }
  ReadResult result;
  result.log_start_offset = v.start;
  result.log_end_offset = v.end;
  if (from == v.end || from >= limit) return result;
  // The segment holding `from`: the last one whose base <= from.
  auto it = std::upper_bound(
      v.segments.begin(), v.segments.end(), from,
      [](Offset o, const SegmentPtr& s) { return o < s->base_offset(); });
  CHECK(it != v.segments.begin());
  size_t i = static_cast<size_t>(it - v.segments.begin()) - 1;
  int64_t expected = 0;
  for (bool first = true; i < v.segments.size(); ++i, first = false) {
    const Segment& seg = *v.segments[i];
    const int64_t size_limit = SizeLimit(v, i);
    const absl::StatusOr<int64_t> pos =
        first ? seg.FindPosition(from.value(), size_limit) : int64_t{0};
    const absl::StatusOr<bool> done =
        pos.ok() ? seg.ReadBatches(*pos, size_limit, std::max(max_bytes, 0),
                                   limit.value(), &expected, &result.batches)
                 : absl::StatusOr<bool>(pos.status());
    if (!done.ok()) {
      return absl::DataLossError(absl::StrCat(
          "partition ", LogName(), " reading from offset ", from.value(),
          " (segment base ", seg.base_offset().value(),
          "): ", done.status().message()));
    }
    if (*done) break;
  }
  return result;
}

absl::StatusOr<Offset> LogImpl::OffsetForTimestamp(int64_t timestamp_ms) const {
  const View v = Snapshot();
  for (size_t i = 0; i < v.segments.size(); ++i) {
    const Segment& seg = *v.segments[i];
    if (seg.max_timestamp_ms() < timestamp_ms) continue;
    auto found = seg.FindOffsetForTimestamp(timestamp_ms, SizeLimit(v, i));
    if (found.ok()) return *found;
    if (!absl::IsNotFound(found.status())) return found.status();
  }
  return v.end;
}

void LogImpl::UpdateConfig(const LogConfig& config) {
  absl::MutexLock l(&mu_);
  config_ = config;
}

Offset LogImpl::log_start_offset() const {
  absl::ReaderMutexLock l(&mu_);
  return segments_.front()->base_offset();
}

Offset LogImpl::log_end_offset() const {
  absl::ReaderMutexLock l(&mu_);
  return end_offset_;
}

LogStats LogImpl::Stats() const {
  const View v = Snapshot();
  LogStats stats;
  stats.log_start_offset = v.start;
  stats.log_end_offset = v.end;
  stats.durable_end_offset = durable_end_offset();
  for (size_t i = 0; i < v.segments.size(); ++i)
    stats.size_bytes += SizeLimit(v, i);
  stats.segment_count = static_cast<int32_t>(v.segments.size());
  return stats;
}

absl::Status LogImpl::health() const {
  absl::ReaderMutexLock l(&mu_);
  return failure_;
}

absl::Status LogImpl::Close() {
  absl::MutexLock a(&append_mu_);
  absl::MutexLock s(&sync_mu_);
  SegmentPtr active;
  bool failed;
  {
    absl::MutexLock l(&mu_);
    if (closed_) return absl::OkStatus();
    closed_ = true;
    failed = !failure_.ok();
    active = segments_.back();
  }
  absl::Status st = active->CloseWriters(/*sync=*/!failed);
  if (failed) {
    absl::ReaderMutexLock l(&mu_);
    return absl::FailedPreconditionError(absl::StrCat(
        "partition log ", LogName(), " had failed: ", failure_.ToString()));
  }
  if (!st.ok()) {
    absl::MutexLock l(&mu_);
    if (failure_.ok()) failure_ = st;
    return st;
  }
  durable_end_.store(active->next_offset().value());
  return absl::OkStatus();
}

}  // namespace rtai::broker
