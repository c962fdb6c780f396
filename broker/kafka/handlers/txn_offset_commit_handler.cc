// TxnOffsetCommit (key 28), versions 0-2: consumer offsets committed inside
// the producer's transaction. The coordinator checks the producer and that
// AddOffsetsToTxn put the offsets partition in its ongoing transaction; the
// offsets are written to __consumer_offsets as transactional records
// (durable, decided by the transaction's marker) and buffered until the
// transaction ends: OffsetFetch sees them only after a commit.

#include "broker/kafka/codec.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/handlers/offset_commit_answer.h"
#include "broker/kafka/handlers/txn_error_mapping.h"
#include "broker/txn/transaction_coordinator.h"

namespace rtai::kafka {
namespace {

StructValue Answer(const StructValue& request, ErrorCode error) {
  return OffsetCommitAnswer(kTxnOffsetCommitResponse, request, error);
}

void HandleTxnOffsetCommit(const HandlerContext& ctx, StructValue request, Respond respond) {
  broker::txn::TransactionCoordinator* c = ctx.broker->transactions();
  if (c == nullptr || ctx.txn_offsets == nullptr) {
    return respond(Answer(request, ErrorCode::kCoordinatorNotAvailable));
  }
  const int64_t producer_id = request.Int("ProducerId");
  const auto epoch = static_cast<int16_t>(request.Int("ProducerEpoch"));
  const absl::Status s =
      ctx.offset_store != nullptr
          ? c->CheckInTransaction(request.Str("TransactionalId"), {producer_id, epoch},
                                  {kOffsetsTopic, 0})
          : c->CheckInTransaction(request.Str("TransactionalId"), {producer_id, epoch},
                                  {"", -1});
  if (!s.ok()) return respond(Answer(request, TxnErrorCode(s, false)));
  TxnOffsetBuffer::Offsets offsets;
  for (const Value& t : request.Array("Topics")) {
    for (const Value& p : t.as_struct().Array("Partitions")) {
      const StructValue& part = p.as_struct();
      offsets.push_back({{t.as_struct().Str("Name"),
                          static_cast<int32_t>(part.Int("PartitionIndex"))},
                         {part.Int("CommittedOffset"), part.IsNull("CommittedMetadata")
                                                           ? std::string()
                                                           : part.Str("CommittedMetadata")}});
    }
  }
  const std::string group = request.Str("GroupId");
  if (ctx.offset_store == nullptr) {
    const bool added = ctx.txn_offsets->Add(producer_id, group, offsets);
    return respond(Answer(request, added ? ErrorCode::kNone : ErrorCode::kCoordinatorNotAvailable));
  }
  ctx.offset_store->AppendTransactional(
      group, offsets, producer_id, epoch,
      [buffer = ctx.txn_offsets, producer_id, group, offsets, request = std::move(request),
       respond = std::move(respond)](absl::Status s) mutable {
        ErrorCode error = ErrorCode::kNone;
        if (!s.ok()) {
          error = ErrorCode::kCoordinatorNotAvailable;
        } else if (!buffer->Add(producer_id, group, offsets)) {
          error = ErrorCode::kCoordinatorNotAvailable;
        }
        respond(Answer(request, error));
      });
}

}  // namespace

const HandlerSpec kTxnOffsetCommitHandler{ApiKey::kTxnOffsetCommit, 0, 2, true,
                                          &HandleTxnOffsetCommit};

}  // namespace rtai::kafka
