// Fetch (key 1), versions 0-11. Two passes over the requested partitions:
// pass 1 reads every partition without waiting; if that yields fewer than
// MinBytes (and MaxWait > 0), pass 2 long-polls every partition through
// Broker::Fetch and answers as soon as any partition has data or fails, or
// when all have waited MaxWait (capped by options.fetch_max_wait_ms).
// Per-partition MaxBytes goes to the broker; the response-level MaxBytes
// (v3+) drops later partitions' data once exceeded, except that the first
// non-empty partition is always served whole (KIP-74). No fetch sessions
// (SessionId is always 0). IsolationLevel 1 (read_committed, v4+) reads up
// to the last stable offset and lists the aborted transactions of the data
// returned (empty for read_uncommitted). Batches are served in the
// v2 format whatever the version (no down-conversion).

#include <memory>
#include <optional>

#include "absl/synchronization/mutex.h"
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
    first_.resize(parts_.size());
    second_.resize(parts_.size());
  }

  void Start() { RunPass(1); }

 private:
  void RunPass(int pass) {
    {
      absl::MutexLock lock(&mu_);
      pending_ = static_cast<int>(parts_.size()) + 1;
    }
    const int64_t wait = pass == 1 ? 0 : max_wait_ms_;
    for (size_t i = 0; i < parts_.size(); ++i) {
      const PartitionFetch& p = parts_[i];
      if (pass == 2 && !first_[i]->ok()) {  // errors are final
        OnResult(pass, i, std::nullopt);
        continue;
      }
      ctx_.broker->FetchIsolated(p.topic, PartitionId(p.partition), Offset(p.offset),
                                 std::max<int32_t>(p.max_bytes, 1), wait, isolation_,
                                 [self = shared_from_this(), pass, i](FetchOutcome r) {
                                   self->OnResult(pass, i, std::move(r));
                                 });
    }
    OnResult(pass, parts_.size(), std::nullopt);  // releases the +1
  }

  // `i == parts_.size()` or an empty `r` only counts down.
  void OnResult(int pass, size_t i, std::optional<FetchOutcome> r) {
    bool respond_now = false, second_pass = false;
    {
      absl::MutexLock lock(&mu_);
      if (responded_) return;
      const bool has_data = r.has_value() && (!r->ok() || !(*r)->batches.empty());
      if (r.has_value()) (pass == 1 ? first_ : second_)[i] = std::move(*r);
      const bool last = --pending_ == 0;
      if (pass == 2 && (has_data || last)) {
        respond_now = true;
      } else if (pass == 1 && last) {
        respond_now = max_wait_ms_ <= 0 || FirstPassSatisfies();
        second_pass = !respond_now;
      }
      if (respond_now) {
        responded_ = true;
        BuildResponse();
      }
    }
    if (respond_now) respond_(std::move(response_));
    if (second_pass) RunPass(2);
  }

  bool FirstPassSatisfies() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t bytes = 0;
    for (const std::optional<FetchOutcome>& r : first_) {
      if (!r->ok()) return true;
      bytes += static_cast<int64_t>((*r)->batches.size());
    }
    return bytes >= std::max<int64_t>(min_bytes_, 1);
  }

  void BuildResponse() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t total = 0;
    for (size_t i = 0; i < parts_.size(); ++i) {
      FetchOutcome& r = second_[i].has_value() ? *second_[i] : *first_[i];
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
  std::vector<std::optional<FetchOutcome>> first_ ABSL_GUARDED_BY(mu_);
  std::vector<std::optional<FetchOutcome>> second_ ABSL_GUARDED_BY(mu_);
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool responded_ ABSL_GUARDED_BY(mu_) = false;
};

void HandleFetch(const HandlerContext& ctx, StructValue request, Respond respond) {
  auto op = std::make_shared<FetchOperation>(ctx, request, std::move(respond));
  op->Start();
}

}  // namespace

const HandlerSpec kFetchHandler{ApiKey::kFetch, 0, 11, false, &HandleFetch};

}  // namespace rtai::kafka
