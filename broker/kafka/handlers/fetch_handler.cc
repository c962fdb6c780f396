// Fetch (key 1), versions 0-11, in up to three passes over the requested
// partitions:
//  1. read every partition without waiting; enough when it yields at least
//     MinBytes (at least 1), an error, or MaxWait is 0;
//  2. otherwise long-poll every partition (Broker::Fetch with the time left
//     of MaxWait, capped by options.fetch_max_wait_ms). A partition that
//     answers with data is polled again from just after that data, so bytes
//     accumulate across partitions and polls until they reach MinBytes, a
//     partition fails, or MaxWait is spent (the clock is the server's);
//  3. read every partition again without waiting: the response is what is
//     there at that moment (all of it, not only what the polls saw).
// Per-partition MaxBytes goes to the broker; the response-level MaxBytes
// (v3+) drops later partitions' data once exceeded, except that the first
// non-empty partition is always served whole (KIP-74). No fetch sessions
// (SessionId is always 0). IsolationLevel 1 (read_committed, v4+) reads up
// to the last stable offset and lists the aborted transactions of the data
// returned (empty for read_uncommitted). Batches are served in the
// v2 format whatever the version (no down-conversion).

#include <algorithm>
#include <memory>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "base/byte_order.h"
#include "base/clock.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

using FetchOutcome = absl::StatusOr<broker::FetchResult>;

struct PartitionFetch {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int32_t max_bytes;
  StructValue* slot;  // in FetchOperation::response_
};

class FetchOperation : public std::enable_shared_from_this<FetchOperation> {
 public:
  FetchOperation(HandlerContext ctx, const StructValue& request, Respond respond)
      : ctx_(std::move(ctx)), respond_(std::move(respond)) {
    response_ = NewMessage(kFetchResponse);
    min_bytes_ = request.Int("MinBytes");
    max_bytes_ = request.Int("MaxBytes");
    max_wait_ms_ = std::min<int64_t>(request.Int("MaxWait"), ctx_.options->fetch_max_wait_ms);
    isolation_ = request.Int("IsolationLevel") == 1 ? broker::Isolation::kReadCommitted
                                                     : broker::Isolation::kReadUncommitted;
    for (const Value& t : request.Array("Topics")) {
      const StructValue& topic = t.as_struct();
      StructValue& out_topic = response_.AddStruct("Responses");
      out_topic.SetStr("Topic", topic.Str("Name"));
      for (const Value& p : topic.Array("FetchPartitions")) {
        const StructValue& part = p.as_struct();
        out_topic.AddStruct("PartitionResponses").SetInt("Partition", part.Int("PartitionIndex"));
        parts_.push_back({topic.Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex")),
                          part.Int("FetchOffset"), static_cast<int32_t>(part.Int("MaxBytes")),
                          nullptr});
      }
    }
    // Slots are taken once the response's arrays stop growing.
    size_t i = 0;
    for (Value& t : *response_.MutableArray("Responses")) {
      for (Value& p : *t.mutable_struct()->MutableArray("PartitionResponses")) {
        parts_[i++].slot = p.mutable_struct();
      }
    }
    result_.resize(parts_.size());
  }

  void Start() {
    start_ns_ = SystemClock()->MonotonicNanos();
    RunPass(1);
  }

 private:
  // Passes 1 and 3: every partition once, without waiting.
  void RunPass(int pass) {
    {
      absl::MutexLock lock(&mu_);
      pending_ = static_cast<int>(parts_.size()) + 1;
    }
    for (size_t i = 0; i < parts_.size(); ++i) {
      const PartitionFetch& p = parts_[i];
      ctx_.broker->FetchIsolated(p.topic, PartitionId(p.partition), Offset(p.offset),
                                 std::max<int32_t>(p.max_bytes, 1), 0, isolation_,
                                 [self = shared_from_this(), pass, i](FetchOutcome r) {
                                   self->OnReadResult(pass, i, std::move(r));
                                 });
    }
    OnReadResult(pass, parts_.size(), std::nullopt);  // releases the +1
  }

  // `i == parts_.size()` only counts down.
  void OnReadResult(int pass, size_t i, std::optional<FetchOutcome> r) {
    bool done = false, wait = false;
    {
      absl::MutexLock lock(&mu_);
      if (r.has_value()) result_[i] = std::move(*r);
      if (--pending_ != 0) return;
      done = pass == 3 || max_wait_ms_ <= 0 || Satisfied();
      wait = !done;
      if (done) BuildResponse();
    }
    if (done) respond_(std::move(response_));
    if (wait) StartPolls();
  }

  // Pass 1 counted: errors, or bytes of the data read.
  bool Satisfied() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t bytes = 0;
    for (const std::optional<FetchOutcome>& r : result_) {
      if (!r->ok()) return true;
      bytes += static_cast<int64_t>((*r)->batches.size());
    }
    return bytes >= std::max<int64_t>(min_bytes_, 1);
  }

  int64_t RemainingWaitMs() const {
    const int64_t elapsed_ms = (SystemClock()->MonotonicNanos() - start_ns_) / 1'000'000;
    return std::max<int64_t>(0, max_wait_ms_ - elapsed_ms);
  }

  // Pass 2.
  void StartPolls() {
    {
      absl::MutexLock lock(&mu_);
      polls_ = static_cast<int>(parts_.size());
      next_.resize(parts_.size());
      for (size_t i = 0; i < parts_.size(); ++i) {
        next_[i] = parts_[i].offset;
        const FetchOutcome& r = *result_[i];
        if (r.ok()) {
          seen_bytes_ += static_cast<int64_t>(r->batches.size());
          next_[i] = EndOfBatches(r->batches, next_[i]);
        }
      }
    }
    if (parts_.empty()) return RunPass(3);  // nothing to wait for
    for (size_t i = 0; i < parts_.size(); ++i) Poll(i);
  }

  void Poll(size_t i) {
    int64_t offset;
    {
      absl::MutexLock lock(&mu_);
      offset = next_[i];
    }
    const PartitionFetch& p = parts_[i];
    ctx_.broker->FetchIsolated(p.topic, PartitionId(p.partition), Offset(offset),
                               std::max<int32_t>(p.max_bytes, 1), RemainingWaitMs(), isolation_,
                               [self = shared_from_this(), i](FetchOutcome r) {
                                 self->OnPollResult(i, std::move(r));
                               });
  }

  void OnPollResult(size_t i, FetchOutcome r) {
    bool poll_again = false, final_read = false;
    {
      absl::MutexLock lock(&mu_);
      if (finishing_) return;
      const bool data = r.ok() && !r->batches.empty();
      if (data) {
        seen_bytes_ += static_cast<int64_t>(r->batches.size());
        next_[i] = EndOfBatches(r->batches, next_[i]);
      }
      if (!r.ok() || seen_bytes_ >= std::max<int64_t>(min_bytes_, 1)) {
        final_read = true;
      } else if (data && RemainingWaitMs() > 0) {
        poll_again = true;  // this partition keeps waiting for more
      } else {
        final_read = --polls_ == 0;  // it waited MaxWait out
      }
      if (final_read) finishing_ = true;
    }
    if (poll_again) Poll(i);
    if (final_read) RunPass(3);
  }

  // The offset after the last record of the whole v2 batches in `batches`
  // (`from` if there are none).
  static int64_t EndOfBatches(const std::string& batches, int64_t from) {
    int64_t next = from;
    size_t pos = 0;
    while (pos + 27 <= batches.size()) {
      const int64_t base = static_cast<int64_t>(LoadBigEndian<uint64_t>(batches.data() + pos));
      const int32_t length = static_cast<int32_t>(LoadBigEndian<uint32_t>(batches.data() + pos + 8));
      const int32_t last_delta =
          static_cast<int32_t>(LoadBigEndian<uint32_t>(batches.data() + pos + 23));
      if (length < 15) break;
      next = std::max(next, base + last_delta + 1);
      pos += 12 + static_cast<size_t>(length);
    }
    return next;
  }

  void BuildResponse() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t total = 0;
    for (size_t i = 0; i < parts_.size(); ++i) {
      FetchOutcome& r = *result_[i];
      StructValue* slot = parts_[i].slot;
      if (!r.ok()) {
        slot->SetInt("ErrorCode", Code(ErrorFromStatus(r.status(), ctx_.api_version >= 6)));
        slot->SetInt("HighWatermark", -1);
        slot->SetStr("RecordSet", "");
        continue;
      }
      slot->SetInt("HighWatermark", r->high_watermark.value());
      slot->SetInt("LastStableOffset", r->last_stable_offset.value());
      slot->SetInt("LogStartOffset", r->log_start_offset.value());
      for (const broker::AbortedTxn& a : r->aborted_transactions) {
        StructValue& entry = slot->AddStruct("AbortedTransactions");
        entry.SetInt("ProducerId", a.producer_id);
        entry.SetInt("FirstOffset", a.first_offset);
      }
      const int64_t size = static_cast<int64_t>(r->batches.size());
      if (total > 0 && total + size > max_bytes_) {
        slot->SetStr("RecordSet", "");
        continue;
      }
      total += size;
      slot->SetStr("RecordSet", std::move(r->batches));
    }
  }

  const HandlerContext ctx_;
  Respond respond_;
  std::vector<PartitionFetch> parts_;
  int64_t min_bytes_ = 0, max_bytes_ = 0, max_wait_ms_ = 0;
  broker::Isolation isolation_ = broker::Isolation::kReadUncommitted;
  absl::Mutex mu_;
  StructValue response_ ABSL_GUARDED_BY(mu_);
  // The latest pass 1 or pass 3 read of each partition.
  std::vector<std::optional<FetchOutcome>> result_ ABSL_GUARDED_BY(mu_);
  int pending_ ABSL_GUARDED_BY(mu_) = 0;  // reads outstanding in pass 1 or 3
  // Pass 2.
  int64_t start_ns_ = 0;
  std::vector<int64_t> next_ ABSL_GUARDED_BY(mu_);  // where each partition's poll reads
  int64_t seen_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int polls_ ABSL_GUARDED_BY(mu_) = 0;  // partitions still waiting
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
};

void HandleFetch(const HandlerContext& ctx, StructValue request, Respond respond) {
  auto op = std::make_shared<FetchOperation>(ctx, request, std::move(respond));
  op->Start();
}

}  // namespace

const HandlerSpec kFetchHandler{ApiKey::kFetch, 0, 11, false, &HandleFetch};

}  // namespace rtai::kafka
