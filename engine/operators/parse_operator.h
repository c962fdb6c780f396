#pragma once
// ParseOperator (parse v1): decodes a bytes/string column — typically the
// `value` of a broker_source with format "raw" — into an event schema.
// Malformed values are counted as dropped and, with dead_letter_topic,
// written there (the value unchanged; headers rtai.error with the reason and
// rtai.source = the node uid). Thread safety: runtime/operator.h.

#include <memory>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/operators/event_decoder.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class ParseOperator : public runtime::Operator {
 public:
  // `output` (the event schema) must outlive the operator.
  ParseOperator(graph::ParseConfig config, const Schema* output);
  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;

 private:
  graph::ParseConfig config_;
  const Schema* output_;
  EventDecoder decoder_;
};

}  // namespace rtai::engine::operators
