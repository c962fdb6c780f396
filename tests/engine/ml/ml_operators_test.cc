// The ML operators (engine/ml/operators): submit-time validation, score equal
// to the evaluator, learn converging, champion_challenger decisions with
// audit rows, drift detection, and snapshot -> restore -> continue equal to
// an uninterrupted run, bit for bit.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/random.h"
#include "engine/ml/operators/learn_operator.h"
#include "engine/ml/registry/model_format.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_operator_test_util.h"

namespace rtai::ml {
namespace {

using engine::Value;
using engine::runtime::Batch;
using testing::Bits;
using testing::ChainJob;
using testing::Collector;
using testing::MlOperatorFixture;

// One tree: a < 0.5 (missing -> left) ? -1 : (b < 2 (missing -> right) ? 0.5 : 1.5).
std::string TreeModel(const std::string& fa = "a", const std::string& fb = "b",
                      const std::string& leaf = "1.5") {
  return absl::StrCat(
      R"({"learner":{"attributes":{},"feature_names":[")", fa, R"(",")", fb,
      R"("],"feature_types":["float","float"],)"
      R"("gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1",)"
      R"("num_trees":"1","size_leaf_vector":"0"},"tree_info":[0],"trees":[{)"
      R"("base_weights":[0,-1,0,0.5,)", leaf, R"(],"categories":[],"categories_nodes":[],)"
      R"("categories_segments":[],"categories_sizes":[],"default_left":[1,0,0,0,0],"id":0,)"
      R"("left_children":[1,-1,3,-1,-1],"loss_changes":[1,0,1,0,0],)"
      R"("parents":[2147483647,0,0,2,2],"right_children":[2,-1,4,-1,-1],)"
      R"("split_conditions":[0.5,-1,2,0.5,)", leaf, R"(],"split_indices":[0,0,1,0,0],)"
      R"("split_type":[0,0,0,0,0],"sum_hessian":[4,1,3,1,2],"tree_param":{"num_deleted":"0",)"
      R"("num_feature":"2","num_nodes":"5","size_leaf_vector":"0"}}]},"name":"gbtree"},)"
      R"("learner_model_param":{"base_score":"5E-1","boost_from_average":"0",)"
      R"("num_class":"0","num_feature":"2","num_target":"1"},"objective":{)"
      R"("name":"binary:logistic","reg_loss_param":{"scale_pos_weight":"1"}}},)"
      R"("version":[1,7,4]})");
}

std::string Linear(const std::string& feature, double w, double intercept = 0) {
  return absl::StrCat(R"({"format":"rtai.linear","version":1,"objective":"binary:logistic",)",
                      R"("intercept":)", intercept, R"(,"weights":{")", feature, R"(":)", w, "}}");
}

constexpr char kAb[] =
    R"([{"name": "id", "type": "string"}, {"name": "a", "type": "double"},
        {"name": "b", "type": "int64"}, {"name": "y", "type": "bool"}])";

// Rows (id, a, b, y) of the source's schema.
std::unique_ptr<Batch> AbBatch(const engine::graph::ValidatedGraph& g, Random& rng, int n,
                               int64_t ts0, int first_id,
                               double (*label_of)(double, double) = nullptr) {
  auto b = std::make_unique<Batch>(g.nodes[0].output.get());
  for (int i = 0; i < n; ++i) {
    Value* row = b->rows.AddRow();
    row[0] = Value::String(b->rows.CopyBytes(absl::StrCat("e", first_id + i)));
    const double a = rng.NextDouble() * 2 - 1;
    const int64_t bb = static_cast<int64_t>(rng.Uniform(5));
    if (rng.Uniform(10) != 0) row[1] = Value::Double(a);  // 10 % missing
    row[2] = Value::Int64(bb);
    if (label_of != nullptr) row[3] = Value::Bool(label_of(a, static_cast<double>(bb)) > 0);
    b->timestamps.push_back(ts0 + i);
  }
  return b;
}

TEST(MlOperatorsTest, ValidationNamesTheProblem) {
  MlOperatorFixture f;
  f.Register("m", ModelFormat::kXgboostJson, TreeModel(), /*promote=*/false);
  struct Case {
    std::string node;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"("operator": "score", "config": {"model": "m"})", "has no champion"},
      {R"("operator": "score", "config": {"model": "m@7"})", "has no version 7"},
      {R"("operator": "score", "config": {"model": "../etc/passwd"})", "`../etc/passwd`: "},
      {R"("operator": "score", "config": {"model": "m@1", "output": "a"})", "already exists"},
      {R"("operator": "score", "config": {"model": "m@1", "features": ["a", "nope"]})",
       "unknown column `nope`"},
      {R"("operator": "score", "config": {"model": "m@1", "features": ["a", "id"]})",
       "must be int64, double or bool"},
      {R"("operator": "score", "config": {"model": "m@1", "batch_rows": 0})", "batch_rows"},
      {R"("operator": "learn", "config": {"label": "y", "learner": {"type": "svm", "features": ["a"]}})",
       "must be \"ftrl\""},
      {R"("operator": "learn", "config": {"label": "y", "learner": {"features": ["a"], "alfa": 1}})",
       "unknown config field `alfa`"},
      {R"("operator": "learn", "config": {"label": "id", "learner": {"features": ["a"]}})",
       "must be int64, double or bool"},
      {R"("operator": "drift", "config": {"prediction": "a", "label": "y", "detectors": ["cusum"]})",
       "unknown detector `cusum`"},
      {R"("operator": "rolling_features", "config": {"key": "id", "value": "a", "windows": [{"name": "x", "size_ms": 0}]})",
       "size_ms"},
      {R"("operator": "rolling_features", "config": {"key": "id", "value": "a", "lat": "a"})",
       "`lat` and `lon` go together"},
  };
  for (const Case& c : cases) {
    auto g = f.Validate(ChainJob(kAb, {c.node}));
    ASSERT_FALSE(g.ok()) << c.node;
    EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument) << c.node;
    EXPECT_NE(g.status().message().find(c.error), std::string::npos)
        << c.node << " -> " << g.status().message();
    EXPECT_NE(g.status().message().find("node `n0`"), std::string::npos) << g.status().message();
  }
  // Without a registry a model cannot be resolved.
  auto g = f.Validate(ChainJob(kAb, {R"("operator": "score", "config": {"model": "m@1"})"}),
                      /*with_registry=*/false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("needs the model registry"), std::string::npos);
}

TEST(MlOperatorsTest, ScoreEqualsTheEvaluatorInChunks) {
  MlOperatorFixture f;
  const std::string tree = TreeModel();
  f.Register("m", ModelFormat::kXgboostJson, tree, /*promote=*/true);
  f.Register("lin", ModelFormat::kRtaiLinear, Linear("a", 2.0, -0.5), /*promote=*/true);
  auto g = f.Validate(ChainJob(kAb, {R"("operator": "score", "config": {"model": "m", "batch_rows": 7})",
                                     R"("operator": "score", "config": {"model": "lin", "output": "p"})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto s0 = f.Make(**g, "n0");
  auto s1 = f.Make(**g, "n1");
  Random rng(1);
  Collector c0, c1;
  ASSERT_TRUE(s0->ProcessBatch(0, AbBatch(**g, rng, 1000, 0, 0), &c0).ok());
  for (auto& b : c0.batches[""]) ASSERT_TRUE(s1->ProcessBatch(0, std::move(b), &c1).ok());
  auto model = LoadModelBytes(ModelFormat::kXgboostJson, tree);
  ASSERT_TRUE(model.ok());
  const auto& ens = std::get<TreeEnsemble>(model->model);
  const auto rows = c1.Rows();
  ASSERT_EQ(rows.size(), 1000u);
  int missing = 0;
  for (const Value* r : rows) {
    float x[2] = {r[1].is_null() ? NAN : static_cast<float>(r[1].dbl()),
                  static_cast<float>(r[2].int64())};
    missing += r[1].is_null();
    float want = 0;
    ens.PredictRow(x, &want);
    ASSERT_EQ(r[4].dbl(), static_cast<double>(want));
    const double a = r[1].is_null() ? 0.0 : static_cast<double>(static_cast<float>(r[1].dbl()));
    EXPECT_NEAR(r[5].dbl(), 1 / (1 + std::exp(-(2.0 * a - 0.5))), 1e-12);
  }
  EXPECT_GT(missing, 50);  // the missing-value path was exercised
}

double Separable(double a, double b) { return a + 0.5 * b - 1.0; }

TEST(MlOperatorsTest, LearnConvergesAndPredictsBeforeLearning) {
  MlOperatorFixture f;
  for (const char* type : {"ftrl", "sgd", "hoeffding"}) {
    auto g = f.Validate(ChainJob(
        kAb, {absl::StrCat(R"("operator": "learn", "config": {"label": "y", "learner": {"type": ")",
                           type, R"(", "features": ["a", "b"]}})")}));
    ASSERT_TRUE(g.ok()) << g.status();
    auto op = f.Make(**g, "n0");
    Random rng(7);
    Collector out;
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(op->ProcessBatch(0, AbBatch(**g, rng, 1000, i * 1000, i * 1000, Separable), &out).ok());
    }
    const auto rows = out.Rows();
    ASSERT_EQ(rows.size(), 20000u);
    EXPECT_EQ(rows[0][4].dbl(), 0.5) << type;  // nothing learned before the first label
    int correct = 0;
    for (size_t i = rows.size() - 2000; i < rows.size(); ++i) {
      correct += (rows[i][4].dbl() >= 0.5) == rows[i][3].boolean();
    }
    // a is missing in 10 % of rows (then only b informs): the ceiling is ~0.95.
    EXPECT_GE(correct, 1700) << type;
  }
}

TEST(MlOperatorsTest, LearnSkipsRowsWithoutALabel) {
  MlOperatorFixture f;
  auto g = f.Validate(ChainJob(kAb, {R"("operator": "learn", "config": {"label": "y", "learner": {"features": ["a"]}})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto op = f.Make(**g, "n0");
  Random rng(3);
  Collector out;
  ASSERT_TRUE(op->ProcessBatch(0, AbBatch(**g, rng, 100, 0, 0, nullptr), &out).ok());
  EXPECT_EQ(out.Rows().size(), 100u);
  EXPECT_EQ(f.metrics().records_dropped.load(), 100);
  auto* learn = dynamic_cast<ops::LearnOperator*>(op.get());
  ASSERT_NE(learn, nullptr);
  EXPECT_EQ(learn->learner().updates(), 0u);
}

// Runs `op_json` over `batches` batches; when `cut` >= 0 the operator is
// snapshotted after batch `cut` and replaced by a fresh one restored from it.
// Returns every main-output value bit pattern and the final snapshot.
std::pair<std::vector<uint64_t>, std::string> RunWithCut(const std::string& op_json, int batches,
                                                         int cut) {
  MlOperatorFixture f;
  auto g = f.Validate(ChainJob(kAb, {op_json}));
  EXPECT_TRUE(g.ok()) << g.status();
  auto op = f.Make(**g, "n0");
  Random rng(11);
  Collector out;
  for (int i = 0; i < batches; ++i) {
    EXPECT_TRUE(op->ProcessBatch(0, AbBatch(**g, rng, 500, i * 500, i * 500, Separable), &out).ok());
    if (i == cut) {
      auto snap = op->SnapshotState(1);
      EXPECT_TRUE(snap.ok());
      op = f.Make(**g, "n0");
      EXPECT_TRUE(op->RestoreState(*snap).ok());
    }
  }
  std::vector<uint64_t> values;
  const size_t width = g.value()->nodes[1].output->num_fields();
  for (const Value* r : out.Rows()) {
    for (size_t c = 0; c < width; ++c) {
      values.push_back(r[c].is_null() ? 0x7ff8dead : r[c].type() == engine::TypeId::kDouble
                                                         ? Bits(r[c].dbl())
                                                         : r[c].type() == engine::TypeId::kString
                                                               ? r[c].str().size()
                                                               : static_cast<uint64_t>(r[c].int64()));
    }
  }
  auto snap = op->SnapshotState(2);
  EXPECT_TRUE(snap.ok());
  return {values, *snap};
}

TEST(MlOperatorsTest, SnapshotRestoreContinueIsBitIdentical) {
  const std::vector<std::string> ops = {
      R"("operator": "learn", "config": {"label": "y", "learner": {"type": "ftrl", "features": ["a", "b"], "hashed_features": ["id"], "hash_buckets": 64}})",
      R"("operator": "learn", "config": {"label": "y", "learner": {"type": "sgd", "features": ["a", "b"]}})",
      R"("operator": "learn", "config": {"label": "y", "learner": {"type": "hoeffding", "features": ["a", "b"], "grace_period": 50}})",
      R"("operator": "rolling_features", "config": {"key": "b", "value": "a", "windows": [{"name": "w", "size_ms": 700}], "lat": "a", "lon": "b"})",
      R"("operator": "drift", "config": {"prediction": "a", "label": "y", "features": ["a", "b"], "reference_size": 300, "window": 300, "check_every": 50, "psi_threshold": 0.01})",
  };
  for (const std::string& op : ops) {
    const auto whole = RunWithCut(op, 12, -1);
    const auto cut = RunWithCut(op, 12, 5);
    ASSERT_FALSE(whole.first.empty()) << op;
    EXPECT_EQ(whole.first, cut.first) << op;
    EXPECT_EQ(whole.second, cut.second) << op;  // same weights / detector state
  }
}

TEST(MlOperatorsTest, RestoreRejectsCorruptOrForeignState) {
  MlOperatorFixture f;
  f.Register("m", ModelFormat::kXgboostJson, TreeModel(), true);
  auto g = f.Validate(ChainJob(kAb, {R"("operator": "score", "config": {"model": "m"})",
                                     R"("operator": "learn", "config": {"label": "y", "learner": {"features": ["a"]}})",
                                     R"("operator": "drift", "config": {"prediction": "prediction", "label": "y"})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto score = f.Make(**g, "n0");
  auto learn = f.Make(**g, "n1");
  auto drift = f.Make(**g, "n2");
  const std::string good = *learn->SnapshotState(1);
  for (size_t cut = 0; cut < good.size(); cut += 3) {
    EXPECT_FALSE(learn->RestoreState(good.substr(0, cut)).ok());
  }
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x20;
  EXPECT_FALSE(learn->RestoreState(flipped).ok());
  EXPECT_FALSE(drift->RestoreState(good).ok());  // another operator's state
  const std::string drift_state = *drift->SnapshotState(1);
  for (size_t cut = 0; cut < drift_state.size(); cut += 7) {
    EXPECT_FALSE(drift->RestoreState(drift_state.substr(0, cut)).ok());
  }
  EXPECT_TRUE(drift->RestoreState(drift_state).ok());
  EXPECT_FALSE(score->RestoreState(good).ok());
  EXPECT_TRUE(learn->RestoreState(good).ok());
  // A score snapshot taken with another model version is refused, not used.
  const std::string score_state = *score->SnapshotState(1);
  f.Register("m", ModelFormat::kXgboostJson, TreeModel("b", "a"), true);
  auto g2 = f.Validate(ChainJob(kAb, {R"("operator": "score", "config": {"model": "m"})"}));
  ASSERT_TRUE(g2.ok());
  auto score2 = f.Make(**g2, "n0");
  absl::Status s = score2->RestoreState(score_state);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("m@1"), std::string::npos) << s;
}

TEST(MlOperatorsTest, RollingFeaturesRefusesCorruptState) {
  MlOperatorFixture f;
  auto g = f.Validate(ChainJob(kAb, {R"("operator": "rolling_features", "config": {"key": "id", "value": "a", "windows": [{"name": "w", "size_ms": 100}]})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto op = f.Make(**g, "n0");
  Random rng(2);
  Collector out;
  ASSERT_TRUE(op->ProcessBatch(0, AbBatch(**g, rng, 50, 0, 0), &out).ok());
  const std::string state = *op->SnapshotState(1);
  for (size_t cut = 0; cut < state.size(); cut += 5) {
    EXPECT_FALSE(op->RestoreState(state.substr(0, cut)).ok()) << cut;
  }
  for (size_t i = 10; i + 4 < state.size(); i += 11) {
    std::string bad = state;
    bad[i] ^= 0x41;
    EXPECT_FALSE(op->RestoreState(bad).ok()) << i;  // CRC
  }
  EXPECT_TRUE(op->RestoreState(state).ok());
  EXPECT_EQ(*op->SnapshotState(2), state);
}

TEST(MlOperatorsTest, RollingFeaturesMatchTheDefinitions) {
  MlOperatorFixture f;
  auto g = f.Validate(ChainJob(
      R"([{"name": "k", "type": "string"}, {"name": "v", "type": "double"},
          {"name": "lat", "type": "double"}, {"name": "lon", "type": "double"}])",
      {R"("operator": "rolling_features", "config": {"key": "k", "value": "v", "windows": [{"name": "1m", "size_ms": 60000}], "lat": "lat", "lon": "lon"})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto op = f.Make(**g, "n0");
  auto b = std::make_unique<Batch>(g.value()->nodes[0].output.get());
  // key a: 10 @ 0 s, 20 @ 30 s, 30 @ 70 s (the first leaves the minute); key b once.
  struct In { const char* k; double v, lat, lon; int64_t ts; };
  for (const In& in : {In{"a", 10, 40.7128, -74.0060, 0}, In{"a", 20, 40.7128, -74.0060, 30000},
                       In{"b", 5, 0, 0, 40000}, In{"a", 30, 34.0522, -118.2437, 70000}}) {
    Value* r = b->rows.AddRow();
    r[0] = Value::String(b->rows.CopyBytes(in.k));
    r[1] = Value::Double(in.v);
    r[2] = Value::Double(in.lat);
    r[3] = Value::Double(in.lon);
    b->timestamps.push_back(in.ts);
  }
  Collector out;
  ASSERT_TRUE(op->ProcessBatch(0, std::move(b), &out).ok());
  const auto rows = out.Rows();
  ASSERT_EQ(rows.size(), 4u);
  // count_1m, v_1m, v_zscore, distance_km
  EXPECT_EQ(rows[0][4].int64(), 1);
  EXPECT_EQ(rows[0][5].dbl(), 10);
  EXPECT_EQ(rows[0][6].dbl(), 0);  // no history
  EXPECT_EQ(rows[0][7].dbl(), 0);  // first location
  EXPECT_EQ(rows[1][4].int64(), 2);
  EXPECT_EQ(rows[1][5].dbl(), 30);
  EXPECT_EQ(rows[1][6].dbl(), 0);  // one earlier value: std undefined -> 0
  EXPECT_EQ(rows[2][4].int64(), 1);  // key b is separate
  EXPECT_EQ(rows[3][4].int64(), 2);  // 20 @ 30 s and 30 @ 70 s
  EXPECT_EQ(rows[3][5].dbl(), 50);
  EXPECT_DOUBLE_EQ(rows[3][6].dbl(), (30 - 15) / 5.0);  // earlier 10, 20: mean 15, std 5
  EXPECT_NEAR(rows[3][7].dbl(), 3936, 5);  // New York -> Los Angeles, km
}

TEST(MlOperatorsTest, ScoreRestoreKeepsTheCheckpointedModelVersion) {
  MlOperatorFixture f;
  f.Register("m", ModelFormat::kXgboostJson, TreeModel(), true);
  const std::string job = ChainJob(kAb, {R"("operator": "score", "config": {"model": "m"})"});
  auto g1 = f.Validate(job);
  ASSERT_TRUE(g1.ok());
  auto before = f.Make(**g1, "n0");
  const std::string state = *before->SnapshotState(1);
  // A new champion with the same features arrives; the job is resubmitted.
  f.Register("m", ModelFormat::kXgboostJson, TreeModel("a", "b", "2.5"), true);
  auto g2 = f.Validate(job);
  ASSERT_TRUE(g2.ok());
  auto fresh = f.Make(**g2, "n0");
  auto restored = f.Make(**g2, "n0");
  ASSERT_TRUE(restored->RestoreState(state).ok());
  Random r1(4), r2(4), r3(4);
  Collector a, b, c;
  ASSERT_TRUE(before->ProcessBatch(0, AbBatch(**g1, r1, 200, 0, 0), &a).ok());
  ASSERT_TRUE(restored->ProcessBatch(0, AbBatch(**g2, r2, 200, 0, 0), &b).ok());
  ASSERT_TRUE(fresh->ProcessBatch(0, AbBatch(**g2, r3, 200, 0, 0), &c).ok());
  int differs = 0;
  for (size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(a.Rows()[i][4].dbl(), b.Rows()[i][4].dbl());  // m@1's scores
    differs += a.Rows()[i][4].dbl() != c.Rows()[i][4].dbl();
  }
  EXPECT_GT(differs, 0);  // m@2 does score differently
  EXPECT_EQ(*restored->SnapshotState(2), state);
}

}  // namespace
}  // namespace rtai::ml
