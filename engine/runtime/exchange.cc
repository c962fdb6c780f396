#include "engine/runtime/exchange.h"

#include "base/status_macros.h"
#include "state/key_group.h"

namespace rtai::engine::runtime {

absl::StatusOr<std::unique_ptr<Exchange>> Exchange::Create(
    const graph::ResolvedEdge& edge, const Schema* schema, std::vector<Channel*> targets,
    int producer_subtask, int sender_index, int max_parallelism) {
  std::unique_ptr<Exchange> x(new Exchange());
  x->partitioning_ = edge.partitioning;
  x->output_ = edge.output;
  x->schema_ = schema;
  x->targets_ = std::move(targets);
  x->producer_subtask_ = producer_subtask;
  x->sender_index_ = sender_index;
  x->input_index_ = edge.input_index;
  x->max_parallelism_ = max_parallelism;
  if (edge.partitioning == job::HASH) {
    ASSIGN_OR_RETURN(expr::KeySelector key, expr::KeySelector::Compile(edge.key, *schema));
    x->key_ = std::make_unique<expr::KeySelector>(std::move(key));
  }
  return x;
}

absl::Status Exchange::Push(int target, Element e) {
  e.sender = sender_index_;
  e.input = input_index_;
  if (!targets_[target]->Offer(std::move(e))) return absl::CancelledError("job is stopping");
  return absl::OkStatus();
}

bool Exchange::HasRoom() const {
  for (const Channel* ch : targets_) {
    if (!ch->HasRoom(sender_index_)) return false;
  }
  return true;
}

bool Exchange::HasRoomOrWait(ScheduledTask* producer) {
  for (Channel* ch : targets_) {
    if (!ch->HasRoomOrWait(sender_index_, producer)) return false;
  }
  return true;
}

absl::Status Exchange::Send(std::unique_ptr<Batch> batch) {
  const int n = static_cast<int>(targets_.size());
  Element e;
  switch (partitioning_) {
    case job::PARTITIONING_UNSPECIFIED:
    case job::FORWARD:
      e.batch = std::move(batch);
      return Push(producer_subtask_ % n, std::move(e));
    case job::REBALANCE:
      e.batch = std::move(batch);
      return Push(static_cast<int>(next_++ % n), std::move(e));
    case job::BROADCAST:
      for (int t = 0; t < n; ++t) {
        Element copy;
        copy.batch = std::make_unique<Batch>(schema_);
        for (size_t i = 0; i < batch->size(); ++i) {
          copy.batch->AppendRowCopy(batch->rows.row(i), batch->timestamps[i]);
        }
        RETURN_IF_ERROR(Push(t, std::move(copy)));
      }
      return absl::OkStatus();
    case job::HASH: {
      std::vector<std::unique_ptr<Batch>> parts(n);
      for (size_t i = 0; i < batch->size(); ++i) {
        key_bytes_.clear();
        key_->KeyOf(batch->rows.row(i), &key_bytes_);
        const uint16_t group = state::KeyGroupForKey(key_bytes_, max_parallelism_);
        const int t = static_cast<int>(state::TaskForKeyGroup(max_parallelism_, n, group));
        if (!parts[t]) parts[t] = std::make_unique<Batch>(schema_);
        parts[t]->AppendRowCopy(batch->rows.row(i), batch->timestamps[i]);
      }
      for (int t = 0; t < n; ++t) {
        if (!parts[t]) continue;
        Element part;
        part.batch = std::move(parts[t]);
        RETURN_IF_ERROR(Push(t, std::move(part)));
      }
      return absl::OkStatus();
    }
    default:
      return absl::InternalError("unknown partitioning");
  }
}

absl::Status Exchange::SendControl(ElementKind kind, int64_t watermark, int64_t checkpoint_id) {
  for (size_t t = 0; t < targets_.size(); ++t) {
    Element e;
    e.kind = kind;
    e.watermark = watermark;
    e.checkpoint_id = checkpoint_id;
    RETURN_IF_ERROR(Push(static_cast<int>(t), std::move(e)));
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine::runtime
