#pragma once
// BrokerSink (broker_sink v1): writes each row as a JSON object
// (io/json_row_encoder.h) to a topic through io::PartitionClient, keyed by an
// optional expression (its value as text), with the row's event timestamp.
// One Append per batch; Append returns when acknowledged, so a slow broker
// blocks the task and backpressure reaches the sources.

#include <memory>

#include "engine/expr/expression.h"
#include "engine/graph/operator_config.h"
#include "engine/runtime/operator.h"

namespace rtai::engine::operators {

class BrokerSink : public runtime::Operator {
 public:
  static absl::StatusOr<std::unique_ptr<BrokerSink>> Create(const graph::SinkConfig& config,
                                                            const Schema* input);
  absl::Status Open(const runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<runtime::Batch> batch,
                            runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t, runtime::Output*) override { return absl::OkStatus(); }

 private:
  BrokerSink(graph::SinkConfig config, const Schema* input)
      : config_(std::move(config)), input_(input) {}
  graph::SinkConfig config_;
  const Schema* input_;
  std::unique_ptr<expr::Expression> key_;
};

}  // namespace rtai::engine::operators
