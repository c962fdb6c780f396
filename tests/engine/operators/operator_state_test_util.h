#pragma once
// Helpers for operator state tests: a window or join operator of a real
// validated graph, opened on a RocksDB keyed state backend in a temp dir,
// fed batches directly; output rows collected as strings.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/graph/validator.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/operator.h"
#include "gtest/gtest.h"
#include "state/keyed_state_backend.h"

namespace rtai::engine::testing_util {

class CollectingOutput : public runtime::Output {
 public:
  absl::Status Emit(std::unique_ptr<runtime::Batch> b) override {
    for (size_t i = 0; i < b->size(); ++i) {
      std::string s = absl::StrCat(b->timestamps[i]);
      for (size_t c = 0; c < b->rows.num_columns(); ++c) {
        absl::StrAppend(&s, "|", b->rows.at(i, c).DebugString());
      }
      rows.push_back(std::move(s));
    }
    return absl::OkStatus();
  }
  absl::Status EmitSide(const std::string&, std::unique_ptr<runtime::Batch> b) override {
    late += b->size();
    return absl::OkStatus();
  }
  absl::Status EmitWatermark(int64_t) override { return absl::OkStatus(); }
  absl::Status EmitIdle() override { return absl::OkStatus(); }
  std::vector<std::string> rows;
  size_t late = 0;
};

// One operator (graph node `node`) with its own backend.
struct OpHarness {
  std::shared_ptr<const graph::ValidatedGraph> graph;
  std::unique_ptr<state::KeyedStateBackend> backend;
  std::unique_ptr<runtime::Operator> op;
  runtime::OperatorMetrics metrics;
  CollectingOutput out;

  // Opens the backend in `db_dir` (existing state, e.g. a checkpoint copy,
  // is used as is).
  void Start(const std::string& job_json, int node, const std::string& db_dir,
             size_t write_buffer_bytes = 16u << 20, size_t block_cache_bytes = 64u << 20) {
    auto g = graph::ParseAndValidateJobGraph(job_json);
    ASSERT_TRUE(g.ok()) << g.status();
    graph = std::make_shared<const graph::ValidatedGraph>(std::move(*g));
    state::KeyedStateOptions so;
    so.dir = db_dir;
    so.write_buffer_bytes = write_buffer_bytes;
    so.block_cache_bytes = block_cache_bytes;
    auto b = state::KeyedStateBackend::Open(so);
    ASSERT_TRUE(b.ok()) << b.status();
    backend = std::move(*b);
    auto o = operators::CreateOperator(*graph, node);
    ASSERT_TRUE(o.ok()) << o.status();
    op = std::move(*o);
    runtime::OperatorContext ctx;
    ctx.uid = graph->nodes[node].uid;
    ctx.state = backend.get();
    ctx.clock = SystemClock();
    ctx.metrics = &metrics;
    ASSERT_TRUE(op->Open(ctx).ok());
  }
  const Schema* InputSchema(int from_node) const { return graph->nodes[from_node].output.get(); }
};

}  // namespace rtai::engine::testing_util
