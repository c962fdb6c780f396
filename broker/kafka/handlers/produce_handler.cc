// Produce (key 0), versions 0-8. Each partition's records (one v2 batch, as
// the producer sent it) go to Broker::Produce unchanged; the response is
// sent when every partition has answered. acks=0 answers nothing at all.
// Record sets in the pre-v2 formats (magic 0/1) are refused with
// UNSUPPORTED_FOR_MESSAGE_FORMAT: the log stores v2 batches only. Clients
// may not write to the internal __consumer_offsets topic
// (INVALID_TOPIC_EXCEPTION), as in Kafka. Transactional batches are checked
// by the partition log against the producer's transaction (KIP-890-like:
// INVALID_TXN_STATE when the partition is not in an ongoing transaction of
// that epoch, INVALID_PRODUCER_EPOCH when fenced); control batches from
// clients are refused (CORRUPT_MESSAGE): only the coordinator writes markers.

#include <memory>

#include "absl/synchronization/mutex.h"
#include "broker/kafka/codec.h"
#include "broker/log/producer_state.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"

namespace rtai::kafka {
namespace {

constexpr size_t kMagicOffset = 16;  // baseOffset i64, length i32, epoch i32

// Collects the per-partition answers; the last one sends the response.
struct ProduceState {
  absl::Mutex mu;
  StructValue response;
  int pending ABSL_GUARDED_BY(mu) = 0;
  Respond respond;
};

ErrorCode CheckRecords(const StructValue& partition) {
  if (partition.IsNull("Records")) return ErrorCode::kCorruptMessage;
  const std::string& records = partition.Str("Records");
  if (records.size() <= kMagicOffset) return ErrorCode::kCorruptMessage;
  if (records[kMagicOffset] != 2) return ErrorCode::kUnsupportedForMessageFormat;
  return ErrorCode::kNone;
}

// The code for a failed append. kResourceExhausted means "too large" when
// the batch exceeds the topic's limit, else "disk queue full" (retriable).
ErrorCode AppendError(const HandlerContext& ctx, const std::string& topic, size_t batch_bytes,
                      const absl::Status& s) {
  const std::string producer_error = broker::ProducerErrorName(s);
  if (producer_error == "OUT_OF_ORDER_SEQUENCE_NUMBER") {
    return ErrorCode::kOutOfOrderSequenceNumber;
  }
  if (producer_error == "INVALID_PRODUCER_EPOCH") return ErrorCode::kInvalidProducerEpoch;
  if (producer_error == "UNKNOWN_PRODUCER_ID") return ErrorCode::kUnknownProducerId;
  if (producer_error == "INVALID_TXN_STATE") return ErrorCode::kInvalidTxnState;
  if (s.code() == absl::StatusCode::kResourceExhausted) {
    int64_t limit = ctx.options->log_defaults.max_message_bytes;
    absl::StatusOr<broker::TopicSummary> summary = ctx.broker->SummarizeTopic(topic);
    if (summary.ok()) limit = summary->max_message_bytes;
    if (static_cast<int64_t>(batch_bytes) > limit) return ErrorCode::kMessageTooLarge;
  }
  return ErrorFromStatus(s, ctx.api_version >= 4);
}

// Records one partition's outcome (slot == nullptr: just releases a hold).
void Finish(const std::shared_ptr<ProduceState>& state, StructValue* slot, ErrorCode error,
            int64_t base_offset) {
  bool last;
  {
    absl::MutexLock lock(&state->mu);
    if (slot != nullptr) {
      slot->SetInt("ErrorCode", Code(error));
      slot->SetInt("BaseOffset", base_offset);
    }
    last = --state->pending == 0;
  }
  if (last) state->respond(std::move(state->response));
}

void HandleProduce(const HandlerContext& ctx, StructValue request, Respond respond) {
  const int64_t acks = request.Int("Acks");
  auto state = std::make_shared<ProduceState>();
  state->response = NewMessage(kProduceResponse);
  struct Work {
    std::string topic;
    StructValue* slot;
    StructValue* partition;
  };
  std::vector<Work> work;
  for (Value& t : *request.MutableArray("Topics")) {
    StructValue* topic = t.mutable_struct();
    StructValue& out_topic = state->response.AddStruct("Responses");
    out_topic.SetStr("Name", topic->Str("Name"));
    for (Value& p : *topic->MutableArray("Partitions")) {
      StructValue& slot = out_topic.AddStruct("Partitions");
      slot.SetInt("PartitionIndex", p.as_struct().Int("PartitionIndex"));
      slot.SetInt("BaseOffset", -1);
      work.push_back({topic->Str("Name"), nullptr, p.mutable_struct()});
    }
  }
  // Slots are taken once the response's arrays stop growing.
  size_t i = 0;
  for (Value& t : *state->response.MutableArray("Responses")) {
    for (Value& p : *t.mutable_struct()->MutableArray("Partitions")) work[i++].slot = p.mutable_struct();
  }
  const bool no_response = acks == 0;
  {
    absl::MutexLock lock(&state->mu);
    state->pending = static_cast<int>(work.size()) + 1;  // +1: this function
  }
  if (no_response) {
    state->respond = [](std::optional<StructValue>) {};
  } else {
    state->respond = std::move(respond);
  }
  const broker::Acks mode = acks == 0   ? broker::Acks::kNone
                            : acks == 1 ? broker::Acks::kLeader
                                        : broker::Acks::kAll;
  for (Work& w : work) {
    ErrorCode error = CheckRecords(*w.partition);
    if (acks != 0 && acks != 1 && acks != -1) error = ErrorCode::kInvalidRequiredAcks;
    if (w.topic == kOffsetsTopic) error = ErrorCode::kInvalidTopicException;
    if (error != ErrorCode::kNone) {
      Finish(state, w.slot, error, -1);
      continue;
    }
    std::string batch = std::move(*w.partition->MutableStr("Records"));
    const size_t batch_bytes = batch.size();
    ctx.broker->Produce(
        w.topic, PartitionId(static_cast<int32_t>(w.partition->Int("PartitionIndex"))),
        std::move(batch), mode,
        [ctx, state, slot = w.slot, topic = w.topic,
         batch_bytes](absl::StatusOr<broker::AppendInfo> info) {
          if (info.ok()) {
            Finish(state, slot, ErrorCode::kNone, info->base_offset.value());
          } else {
            Finish(state, slot, AppendError(ctx, topic, batch_bytes, info.status()), -1);
          }
        });
  }
  if (no_response) respond(std::nullopt);
  Finish(state, nullptr, ErrorCode::kNone, 0);  // releases the +1
}

}  // namespace

const HandlerSpec kProduceHandler{ApiKey::kProduce, 0, 8, false, &HandleProduce};

}  // namespace rtai::kafka
