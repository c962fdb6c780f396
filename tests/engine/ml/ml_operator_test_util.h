#pragma once
// Helpers for the ML operator tests: a model registry in a temp dir, graph
// validation with it, operators created through the real factory, an Output
// that collects everything, and batch builders.

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "engine/graph/validator.h"
#include "engine/ml/registry/model_registry.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/ml_metrics.h"
#include "engine/runtime/operator.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::ml::testing {

using engine::Value;
using engine::runtime::Batch;

// Collects every emitted batch by output ("" = main).
class Collector : public engine::runtime::Output {
 public:
  absl::Status Emit(std::unique_ptr<Batch> b) override { return Add("", std::move(b)); }
  absl::Status EmitSide(const std::string& name, std::unique_ptr<Batch> b) override {
    return Add(name, std::move(b));
  }
  absl::Status EmitWatermark(int64_t w) override {
    watermarks.push_back(w);
    return absl::OkStatus();
  }
  absl::Status EmitIdle() override { return absl::OkStatus(); }

  // Row pointers of output `name`, in emission order (valid while alive).
  std::vector<const Value*> Rows(const std::string& name = "") const {
    std::vector<const Value*> rows;
    auto it = batches.find(name);
    if (it == batches.end()) return rows;
    for (const auto& b : it->second) {
      for (size_t i = 0; i < b->size(); ++i) rows.push_back(b->rows.row(i));
    }
    return rows;
  }
  std::map<std::string, std::vector<std::unique_ptr<Batch>>> batches;
  std::vector<int64_t> watermarks;

 private:
  absl::Status Add(const std::string& name, std::unique_ptr<Batch> b) {
    batches[name].push_back(std::move(b));
    return absl::OkStatus();
  }
};

inline uint64_t Bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

class MlOperatorFixture {
 public:
  MlOperatorFixture() {
    ModelRegistryOptions o;
    o.dir = dir_.path() + "/models";
    auto r = ModelRegistry::Open(o, DefaultFileSystem(), &clock_);
    EXPECT_TRUE(r.ok()) << r.status();
    registry_ = *std::move(r);
  }
  ModelRegistry* registry() { return registry_.get(); }
  FakeClock* clock() { return &clock_; }

  // Registers and (if `promote`) promotes; returns the version.
  int64_t Register(const std::string& name, ModelFormat format, const std::string& bytes,
                   bool promote) {
    auto info = registry_->Register(name, format, bytes, {});
    EXPECT_TRUE(info.ok()) << info.status();
    if (!info.ok()) return 0;
    if (promote) {
      ModelRef ref{name, info->version.version};
      EXPECT_TRUE(registry_->Promote(ref).ok());
    }
    return info->version.version;
  }

  absl::StatusOr<std::shared_ptr<const engine::graph::ValidatedGraph>> Validate(
      const std::string& json, bool with_registry = true) {
    engine::graph::SubmitServices s;
    if (with_registry) s.models = registry_.get();
    auto g = engine::graph::ParseAndValidateJobGraph(json, s);
    if (!g.ok()) return g.status();
    return std::make_shared<const engine::graph::ValidatedGraph>(*std::move(g));
  }

  static int NodeIndex(const engine::graph::ValidatedGraph& g, const std::string& uid) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (g.nodes[i].uid == uid) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no node " << uid;
    return -1;
  }

  // The operator of node `uid`, opened.
  std::unique_ptr<engine::runtime::Operator> Make(const engine::graph::ValidatedGraph& g,
                                                  const std::string& uid) {
    auto op = engine::operators::CreateOperator(g, NodeIndex(g, uid));
    EXPECT_TRUE(op.ok()) << op.status();
    if (!op.ok()) return nullptr;
    engine::runtime::OperatorContext ctx;
    ctx.uid = uid;
    ctx.clock = &clock_;
    ctx.metrics = &metrics_;
    ctx.model_resolver = registry_.get();
    ctx.ml_metrics = ml_metrics;
    ctx.job_id = "job-t";
    EXPECT_TRUE((*op)->Open(ctx).ok());
    return *std::move(op);
  }
  engine::runtime::OperatorMetrics& metrics() { return metrics_; }
  // Dashboard hooks given to operators made from now on (null: none).
  engine::runtime::MlMetrics* ml_metrics = nullptr;

 private:
  ::rtai::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<ModelRegistry> registry_;
  engine::runtime::OperatorMetrics metrics_;
};

// A job: source `in` of schema `fields` -> nodes... -> blackhole. `nodes` is
// the JSON of the nodes after the source (each consuming the previous one).
inline std::string ChainJob(const std::string& fields, const std::vector<std::string>& nodes) {
  std::string json = absl::StrCat(
      R"({"version": 1, "name": "t", "schemas": [{"name": "e", "fields": )", fields,
      R"(}], "nodes": [{"uid": "in", "operator": "broker_source", "config": {"topic": "in", "schema": "e"}})");
  std::string edges;
  std::string prev = "in";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string uid = absl::StrCat("n", i);
    absl::StrAppend(&json, R"(, {"uid": ")", uid, R"(", )", nodes[i], "}");
    absl::StrAppend(&edges, edges.empty() ? "" : ", ", R"({"from": ")", prev, R"(", "to": ")", uid,
                    R"("})");
    prev = uid;
  }
  absl::StrAppend(&json, R"(, {"uid": "sink", "operator": "blackhole_sink"}], "edges": [)", edges,
                  R"(, {"from": ")", prev, R"(", "to": "sink"}]})");
  return json;
}

}  // namespace rtai::ml::testing
