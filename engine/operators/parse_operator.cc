#include "engine/operators/parse_operator.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::engine::operators {

ParseOperator::ParseOperator(graph::ParseConfig config, const Schema* output)
    : config_(std::move(config)), output_(output),
      decoder_(config_.format, output, config_.csv_delimiter, config_.ignore_unknown_fields,
               config_.event_time_column) {}

absl::Status ParseOperator::Open(const runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  if (!config_.dead_letter_topic.empty() && ctx.client == nullptr) {
    return absl::FailedPreconditionError("parse with a dead-letter topic needs a broker client");
  }
  return absl::OkStatus();
}

absl::Status ParseOperator::ProcessBatch(int, std::unique_ptr<runtime::Batch> batch,
                                         runtime::Output* out) {
  auto result = std::make_unique<runtime::Batch>(output_);
  std::vector<io::ClientRecord> dead;
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value& v = batch->rows.at(i, config_.column);
    const std::string_view text = v.is_null() ? std::string_view() : v.str();
    absl::Status s = v.is_null() ? absl::InvalidArgumentError("the encoded event is null")
                                 : decoder_.Decode(text, batch->timestamps[i], result.get());
    if (s.ok()) continue;
    ctx_.metrics->records_dropped.fetch_add(1, std::memory_order_relaxed);
    if (config_.dead_letter_topic.empty()) continue;
    io::ClientRecord r;
    r.value = std::string(text);
    r.timestamp_ms = batch->timestamps[i];
    r.headers.emplace_back("rtai.error", std::string(s.message()));
    r.headers.emplace_back("rtai.source", ctx_.uid);
    dead.push_back(std::move(r));
  }
  if (!dead.empty()) RETURN_IF_ERROR(ctx_.client->Append(config_.dead_letter_topic, std::move(dead)));
  if (result->size() == 0) return absl::OkStatus();
  return out->Emit(std::move(result));
}

}  // namespace rtai::engine::operators
