#include "engine/operators/broker_sink.h"

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/io/json_row_encoder.h"
#include "engine/runtime/snapshot_codec.h"

namespace rtai::engine::operators {
namespace {

// Ids probed when fencing after a restore; more used ids than this means
// thousands of failed checkpoints in a row, which is reported, not looped.
constexpr int64_t kMaxFenceProbes = 10000;
constexpr uint64_t kMaxPending = 1 << 16;

}  // namespace

absl::StatusOr<std::unique_ptr<BrokerSink>> BrokerSink::Create(const graph::SinkConfig& config,
                                                                const Schema* input) {
  std::unique_ptr<BrokerSink> sink(new BrokerSink(config, input));
  if (!config.key.empty()) {
    ASSIGN_OR_RETURN(sink->key_, expr::Expression::Compile(config.key, *input));
  }
  return sink;
}

absl::Status BrokerSink::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  if (ctx.client == nullptr) return absl::FailedPreconditionError("no broker client");
  if (ctx.exactly_once && ctx.txn_client == nullptr) {
    return absl::FailedPreconditionError("exactly-once sink without a transactional client");
  }
  auto count = ctx.client->PartitionCount(config_.topic);
  if (!count.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("sink topic `", config_.topic, "`: ", count.status().message()));
  }
  return absl::OkStatus();
}

BrokerSink::~BrokerSink() {
  if (ctx_.exactly_once && current_.has_value()) {
    (void)ctx_.txn_client->EndTransaction(*current_, /*commit=*/false);  // best effort
  }
}

std::string BrokerSink::Prefix() const {
  return absl::StrCat("rtai-", ctx_.job_id, "-", ctx_.uid, "-", ctx_.subtask);
}

absl::Status BrokerSink::FenceFrom(const std::string& prefix, int64_t base) {
  for (int64_t n = base + 1; n <= base + kMaxFenceProbes; ++n) {
    ASSIGN_OR_RETURN(io::TxnHandle h,
                     ctx_.txn_client->InitTransactions(
                         absl::StrCat(prefix, "-", n),
                         static_cast<int32_t>(ctx_.transaction_timeout_ms)));
    if (h.producer_epoch == 0) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "more than ", kMaxFenceProbes, " transactional ids ", prefix, "-* after sequence ", base,
      " were used; cannot fence them all"));
}

absl::Status BrokerSink::EnsureFenced() {
  if (!ctx_.exactly_once || fenced_) return absl::OkStatus();
  if (!restored_prefix_.empty() && restored_prefix_ != Prefix()) {
    RETURN_IF_ERROR(FenceFrom(restored_prefix_, last_seq_));
  }
  RETURN_IF_ERROR(FenceFrom(Prefix(), last_seq_));
  fenced_ = true;
  return absl::OkStatus();
}

absl::Status BrokerSink::ProcessWatermark(int64_t, runtime::Output*) { return EnsureFenced(); }

absl::Status BrokerSink::ProcessBatch(int, std::unique_ptr<runtime::Batch> batch,
                                      runtime::Output*) {
  std::vector<io::ClientRecord> records(batch->size());
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* row = batch->rows.row(i);
    io::AppendJsonRow(*input_, row, &records[i].value);
    if (key_ != nullptr) io::AppendKeyText(key_->Evaluate(row), &records[i].key);
    records[i].timestamp_ms = batch->timestamps[i];
  }
  if (!ctx_.exactly_once) return ctx_.client->Append(config_.topic, std::move(records));
  RETURN_IF_ERROR(EnsureFenced());
  if (!current_.has_value()) {
    ASSIGN_OR_RETURN(current_, ctx_.txn_client->InitTransactions(
                                   TxnId(++last_seq_),
                                   static_cast<int32_t>(ctx_.transaction_timeout_ms)));
  }
  return ctx_.txn_client->AppendTransactional(*current_, config_.topic, std::move(records));
}

absl::StatusOr<std::string> BrokerSink::SnapshotState(int64_t checkpoint_id) {
  if (!ctx_.exactly_once) return std::string();
  RETURN_IF_ERROR(EnsureFenced());
  // Pre-commit: every append already returned durable; the transaction now
  // waits for the checkpoint to complete.
  if (current_.has_value()) pending_.emplace_back(checkpoint_id, *std::move(current_));
  current_.reset();
  runtime::SnapshotWriter w(runtime::SnapshotTag::kBrokerSink, 1);
  w.Bytes(Prefix());
  w.I64(last_seq_);
  w.I64(static_cast<int64_t>(pending_.size()));
  for (const auto& [id, h] : pending_) {
    w.I64(id);
    w.Bytes(h.transactional_id);
    w.I64(h.producer_id);
    w.I64(h.producer_epoch);
  }
  return w.Finish();
}

absl::Status BrokerSink::CommitUpTo(int64_t checkpoint_id) {
  size_t done = 0;
  for (; done < pending_.size() && pending_[done].first <= checkpoint_id; ++done) {
    RETURN_IF_ERROR(ctx_.txn_client->EndTransaction(pending_[done].second, /*commit=*/true));
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(done));
  return absl::OkStatus();
}

absl::Status BrokerSink::NotifyCheckpointComplete(int64_t checkpoint_id) {
  if (!ctx_.exactly_once) return absl::OkStatus();
  return CommitUpTo(checkpoint_id);
}

absl::Status BrokerSink::RestoreState(std::string_view bytes) {
  if (!ctx_.exactly_once) return absl::OkStatus();  // at-least-once: nothing to resume
  ASSIGN_OR_RETURN(runtime::SnapshotReader r,
                   runtime::SnapshotReader::Open(bytes, runtime::SnapshotTag::kBrokerSink, 1));
  uint64_t n = 0;
  std::string_view prefix;
  RETURN_IF_ERROR(r.Bytes(&prefix, 1024));
  restored_prefix_ = std::string(prefix);
  RETURN_IF_ERROR(r.I64(&last_seq_));
  if (last_seq_ < 0) return absl::DataLossError("sink snapshot: negative transaction sequence");
  RETURN_IF_ERROR(r.Count(&n, kMaxPending, 32));
  pending_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    int64_t id = 0, epoch = 0;
    std::string_view tid;
    io::TxnHandle h;
    RETURN_IF_ERROR(r.I64(&id));
    RETURN_IF_ERROR(r.Bytes(&tid, 1024));
    RETURN_IF_ERROR(r.I64(&h.producer_id));
    RETURN_IF_ERROR(r.I64(&epoch));
    if (epoch < 0 || epoch > INT16_MAX) return absl::DataLossError("sink snapshot: bad epoch");
    h.transactional_id = std::string(tid);
    h.producer_epoch = static_cast<int16_t>(epoch);
    pending_.emplace_back(id, std::move(h));
  }
  RETURN_IF_ERROR(r.Done());
  // The restored checkpoint is complete, so its pre-committed transactions
  // must be committed (again: idempotent if they already were).
  for (const auto& [id, h] : pending_) {
    absl::Status s = ctx_.txn_client->EndTransaction(h, /*commit=*/true);
    if (absl::IsFailedPrecondition(s)) {
      LogError("exactly-once sink: a checkpointed transaction cannot be committed; its records are lost",
               {{"transactional_id", h.transactional_id}, {"checkpoint", id},
                {"error", s.message()}});
      continue;
    }
    RETURN_IF_ERROR(s);
  }
  pending_.clear();
  fenced_ = false;
  return EnsureFenced();
}

absl::Status BrokerSink::Finish(runtime::Output*) {
  if (!ctx_.exactly_once) return absl::OkStatus();
  // End of input: nothing will be replayed after this, so commit now.
  RETURN_IF_ERROR(CommitUpTo(INT64_MAX));
  if (current_.has_value()) {
    RETURN_IF_ERROR(ctx_.txn_client->EndTransaction(*current_, /*commit=*/true));
    current_.reset();
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
