#include "engine/operators/broker_sink.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/io/json_row_encoder.h"

namespace rtai::engine::operators {

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
  auto count = ctx.client->PartitionCount(config_.topic);
  if (!count.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("sink topic `", config_.topic, "`: ", count.status().message()));
  }
  return absl::OkStatus();
}

absl::Status BrokerSink::ProcessBatch(int, std::unique_ptr<runtime::Batch> batch,
                                      runtime::Output*) {
  std::vector<io::ClientRecord> records(batch->size());
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* row = batch->rows.row(i);
    io::AppendJsonRow(*input_, row, &records[i].value);
    if (key_ != nullptr) io::AppendKeyText(key_->Evaluate(row), &records[i].key);
    records[i].timestamp_ms = batch->timestamps[i];
  }
  return ctx_.client->Append(config_.topic, std::move(records));
}

}  // namespace rtai::engine::operators
