#pragma once
// BrokerSink (broker_sink v1): writes each row as a JSON object
// (io/json_row_encoder.h) to a topic, keyed by an optional expression (its
// value as text), with the row's event timestamp. One append per batch,
// returning when acknowledged, so a slow broker blocks the task and
// backpressure reaches the sources.
//
// Delivery (docs/CHECKPOINTS.md): at-least-once writes plainly through
// io::PartitionClient. Exactly-once (ctx.exactly_once) is a two-phase-commit
// sink on io::TransactionalClient, as Flink's KafkaSink: records go into a
// transaction with id "rtai-<job>-<uid>-<subtask>-<n>", n = a sequence the
// sink advances by one for every transaction it starts (kept in its
// snapshot), so the ids any incarnation used after a snapshot are
// contiguous — checkpoints without output, or barriers this sink never saw,
// leave no gaps. On barrier n (SnapshotState) the transaction is
// pre-committed (its appends are already durable) and its handle stored in
// the snapshot; NotifyCheckpointComplete(n) commits every pre-committed
// transaction up to checkpoint n. On restore the snapshot's handles are
// committed again (idempotent) and every later id that was used is fenced
// (InitTransactions aborts what it had open), probing upward until an id
// comes back never used (epoch 0) — under this job's ids and, after a
// savepoint restore into a new job, under the ids of the job that took the
// savepoint. At end of
// input the open transaction is committed; when the sink is destroyed
// (cancel, failure) its open transaction — never part of a completed
// checkpoint — is aborted so read_committed readers are not held back.

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/expr/expression.h"
#include "engine/graph/operator_config.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class BrokerSink : public runtime::Operator {
 public:
  static absl::StatusOr<std::unique_ptr<BrokerSink>> Create(const graph::SinkConfig& config,
                                                            const Schema* input);
  ~BrokerSink() override;
  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t, runtime::Output*) override;
  absl::Status Finish(runtime::Output*) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;
  absl::Status NotifyCheckpointComplete(int64_t checkpoint_id) override;

 private:
  BrokerSink(graph::SinkConfig config, const Schema* input)
      : config_(std::move(config)), input_(input) {}
  std::string Prefix() const;
  std::string TxnId(int64_t n) const { return absl::StrCat(Prefix(), "-", n); }
  // Once, before the first transactional write: aborts transactions a
  // previous incarnation left open under ids after last_seq_.
  absl::Status EnsureFenced();
  absl::Status FenceFrom(const std::string& prefix, int64_t base);
  absl::Status CommitUpTo(int64_t checkpoint_id);

  graph::SinkConfig config_;
  const Schema* input_;
  std::unique_ptr<expr::Expression> key_;
  // Exactly-once only.
  bool fenced_ = false;
  // The sequence number of the last transaction started (or, after a
  // restore, started before the snapshot); the next one is last_seq_ + 1.
  int64_t last_seq_ = 0;
  std::string restored_prefix_;  // transactional-id prefix of the restored snapshot
  std::optional<io::TxnHandle> current_;
  std::vector<std::pair<int64_t, io::TxnHandle>> pending_;  // pre-committed, by checkpoint
};

}  // namespace rtai::engine::operators
