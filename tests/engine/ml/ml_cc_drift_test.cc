// champion_challenger (promotes a better model, not a worse one, rolls back,
// online challenger, periodic retraining, audit rows, determinism under
// input interleaving and snapshot/restore) and drift (error-stream and
// feature-distribution detections at the change point).
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "base/metrics/registry.h"
#include "base/random.h"
#include "engine/ml/operators/champion_challenger_operator.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_operator_test_util.h"

namespace rtai::ml {
namespace {

using engine::Schema;
using engine::Value;
using engine::runtime::Batch;
using engine::runtime::kMaxWatermark;
using testing::Bits;
using testing::Collector;
using testing::MlOperatorFixture;

std::string Linear(const std::string& feature, double w) {
  return absl::StrCat(R"({"format":"rtai.linear","version":1,"objective":"binary:logistic",)",
                      R"("intercept":0,"weights":{")", feature, R"(":)", w, "}}");
}

std::string CcJob(const std::string& config) {
  return absl::StrCat(R"({"version": 1, "name": "cc",
    "schemas": [{"name": "e", "fields": [{"name": "id", "type": "string"},
                  {"name": "a", "type": "double"}, {"name": "b", "type": "double"}]},
                {"name": "l", "fields": [{"name": "id", "type": "string"}, {"name": "y", "type": "bool"}]}],
    "nodes": [{"uid": "ev", "operator": "broker_source", "config": {"topic": "e", "schema": "e"}},
              {"uid": "lb", "operator": "broker_source", "config": {"topic": "l", "schema": "l"}},
              {"uid": "cc", "operator": "champion_challenger", "config": )",
                      config, R"(},
              {"uid": "sink", "operator": "blackhole_sink"}],
    "edges": [{"from": "ev", "to": "cc"}, {"from": "lb", "to": "cc"}, {"from": "cc", "to": "sink"}]})");
}

std::string Decisions(const std::string& extra) {
  return absl::StrCat(R"("id": "id", "label": "y", "window": 500, "min_labels": 300,
      "bake_period_ms": 1000, "promotion_margin": 0.1, "rollback_margin": 0.1,
      "rollback_min_labels": 300, "evaluate_every_labels": 10)",
                      extra);
}

// Feeds `n` events (a, b uniform in [-1, 1]) from id `first` at ts = id, and
// their labels (label(a, b)) at ts = id + 200; a watermark after each 100.
struct Feeder {
  const engine::graph::ValidatedGraph* g;
  Random rng{5};
  int next = 0;
  bool labels_first = false;  // arrival interleaving (must not matter)
  void Feed(engine::runtime::Operator* op, Collector* out, int n,
            const std::function<bool(double, double)>& label) {
    const Schema* ev = g->nodes[0].output.get();
    const Schema* lb = g->nodes[1].output.get();
    for (int done = 0; done < n; done += 100) {
      auto e = std::make_unique<Batch>(ev);
      auto l = std::make_unique<Batch>(lb);
      for (int i = 0; i < 100; ++i, ++next) {
        const double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
        const std::string id = absl::StrCat("e", next);
        Value* r = e->rows.AddRow();
        r[0] = Value::String(e->rows.CopyBytes(id));
        r[1] = Value::Double(a);
        r[2] = Value::Double(b);
        e->timestamps.push_back(next);
        Value* lr = l->rows.AddRow();
        lr[0] = Value::String(l->rows.CopyBytes(id));
        lr[1] = Value::Bool(label(a, b));
        l->timestamps.push_back(next + 200);
      }
      if (labels_first) {
        ASSERT_TRUE(op->ProcessBatch(1, std::move(l), out).ok());
        ASSERT_TRUE(op->ProcessBatch(0, std::move(e), out).ok());
      } else {
        ASSERT_TRUE(op->ProcessBatch(0, std::move(e), out).ok());
        ASSERT_TRUE(op->ProcessBatch(1, std::move(l), out).ok());
      }
      ASSERT_TRUE(op->ProcessWatermark(next - 1, out).ok());
    }
  }
};

std::vector<std::string> AuditDecisions(const Collector& out) {
  std::vector<std::string> d;
  for (const Value* r : out.Rows("audit")) d.emplace_back(r[0].str());
  return d;
}

bool ByA(double a, double) { return a > 0; }
bool AgainstA(double a, double) { return a < 0; }

class CcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.Register("strong", ModelFormat::kRtaiLinear, Linear("a", 5), true);
    f_.Register("weak", ModelFormat::kRtaiLinear, Linear("b", 5), true);
  }
  std::unique_ptr<engine::runtime::Operator> Make(const std::string& config) {
    auto g = f_.Validate(CcJob(config));
    EXPECT_TRUE(g.ok()) << g.status();
    graph_ = *g;
    feeder_.g = graph_.get();
    return f_.Make(*graph_, "cc");
  }
  MlOperatorFixture f_;
  std::shared_ptr<const engine::graph::ValidatedGraph> graph_;
  Feeder feeder_;
};

TEST_F(CcTest, PromotesAClearlyBetterChallengerAndAuditsIt) {
  auto op = Make(absl::StrCat(R"({"champion": "weak", "challenger": "strong", )", Decisions(""), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 2000, ByA);
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  EXPECT_EQ(AuditDecisions(out), std::vector<std::string>{"promoted"});
  const Value* audit = out.Rows("audit")[0];
  EXPECT_EQ(audit[2].str(), "strong@1");           // champion after
  EXPECT_EQ(audit[3].str(), "weak@1");             // before
  EXPECT_GT(audit[5].dbl(), audit[6].dbl() + 0.1);  // by more than the margin
  // Served scores switch to the promoted model after the decision.
  const auto rows = out.Rows();
  ASSERT_EQ(rows.size(), 2000u);
  EXPECT_EQ(rows.front()[5].str(), "weak@1");
  EXPECT_EQ(rows.back()[5].str(), "strong@1");
  EXPECT_EQ(out.Rows("labelled").size(), 2000u);  // every event joined its label
}

TEST_F(CcTest, ReportsToTheDashboardHooks) {
  metrics::Registry registry(f_.clock());
  engine::runtime::MlMetrics hooks(&registry, f_.clock());
  f_.ml_metrics = &hooks;
  auto op = Make(absl::StrCat(R"({"champion": "weak", "challenger": "strong", )", Decisions(""), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 2000, ByA);
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  int promotions = 0;
  for (const auto& e : hooks.Events()) promotions += e.kind == "promotion" && e.model == "strong";
  EXPECT_EQ(promotions, 1);
  bool champion_auc = false;
  for (const auto& s : hooks.Series()) champion_auc |= s.metric == "auc" && !s.points.empty();
  EXPECT_TRUE(champion_auc);
}

TEST_F(CcTest, DoesNotPromoteAWorseChallenger) {
  auto op = Make(absl::StrCat(R"({"champion": "strong", "challenger": "weak", )", Decisions(""), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 3000, ByA);
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  EXPECT_TRUE(AuditDecisions(out).empty());
  for (const Value* r : out.Rows()) ASSERT_EQ(r[5].str(), "strong@1");
}

TEST_F(CcTest, RollsBackWhenThePromotedModelDegrades) {
  auto op = Make(absl::StrCat(R"({"champion": "weak", "challenger": "strong", )",
                              Decisions(R"(, "probation_ms": 100000000)"), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 1500, ByA);
  feeder_.Feed(op.get(), &out, 1500, AgainstA);  // the promoted model turns bad
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  EXPECT_EQ(AuditDecisions(out), (std::vector<std::string>{"promoted", "rolled_back"}));
  EXPECT_EQ(out.Rows().back()[5].str(), "weak@1");
}

TEST_F(CcTest, OnlineChallengerLearnsFromFeedbackAndIsPromoted) {
  auto op = Make(absl::StrCat(
      R"({"champion": "weak", "challenger_learner": {"type": "ftrl", "features": ["a", "b"]}, )",
      Decisions(""), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 3000, ByA);
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  EXPECT_EQ(AuditDecisions(out), std::vector<std::string>{"promoted"});
  auto* cc = dynamic_cast<ops::ChampionChallengerOperator*>(op.get());
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(cc->learner()->updates(), 3000u);
  EXPECT_GT(cc->learner()->Weight(0), 1.0);        // learned that a matters
  EXPECT_EQ(cc->decisions().champion(), "online-ftrl#0");
}

TEST_F(CcTest, RetrainsTheShadowedLearnerOnSchedule) {
  // The champion stays better (labels by a; the learner only sees b).
  auto op = Make(absl::StrCat(
      R"({"champion": "strong", "challenger_learner": {"type": "sgd", "features": ["b"]}, )",
      Decisions(R"(, "retrain_every_ms": 1000, "retrain_last_n": 200)"), "}"));
  Collector out;
  feeder_.Feed(op.get(), &out, 3500, ByA);
  ASSERT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
  const auto d = AuditDecisions(out);
  ASSERT_EQ(d.size(), 3u);  // labels span ts 200 .. 3699: retrains at 1200, 2200, 3200
  for (const std::string& s : d) EXPECT_EQ(s, "retrained");
  EXPECT_EQ(out.Rows("audit").back()[2].str(), "strong@1");
  auto* cc = dynamic_cast<ops::ChampionChallengerOperator*>(op.get());
  EXPECT_EQ(cc->decisions().challenger(), "online-sgd#3");
}

// Values of every output, as bit patterns, for equality checks.
std::vector<std::string> Dump(const Collector& out) {
  std::vector<std::string> lines;
  for (const std::string name : {"", "audit", "labelled"}) {
    auto it = out.batches.find(name);
    if (it == out.batches.end()) continue;
    for (const auto& b : it->second) {
      for (size_t i = 0; i < b->size(); ++i) {
        std::string line = absl::StrCat(name, "@", b->timestamps[i]);
        const Value* r = b->rows.row(i);
        for (size_t c = 0; c < b->rows.num_columns(); ++c) {
          if (r[c].is_null()) absl::StrAppend(&line, "|null");
          else if (r[c].type() == engine::TypeId::kDouble) absl::StrAppend(&line, "|", Bits(r[c].dbl()));
          else if (r[c].type() == engine::TypeId::kString) absl::StrAppend(&line, "|", std::string(r[c].str()));
          else absl::StrAppend(&line, "|", r[c].int64());
        }
        lines.push_back(line);
      }
    }
  }
  return lines;
}

TEST_F(CcTest, InterleavingAndSnapshotRestoreDoNotChangeAnything) {
  const std::string config = absl::StrCat(
      R"({"champion": "weak", "challenger_learner": {"type": "ftrl", "features": ["a", "b"], "hashed_features": ["id"], "hash_buckets": 32}, )",
      Decisions(R"(, "retrain_every_ms": 1500, "retrain_last_n": 300, "probation_ms": 800)"), "}");
  auto run = [&](bool labels_first, int cut, std::string* final_state) {
    auto op = Make(config);
    feeder_ = Feeder{graph_.get()};
    feeder_.labels_first = labels_first;
    Collector out;
    for (int part = 0; part < 6; ++part) {
      feeder_.Feed(op.get(), &out, 500, part < 3 ? ByA : AgainstA);
      if (part == cut) {
        auto snap = op->SnapshotState(1);
        EXPECT_TRUE(snap.ok());
        op = f_.Make(*graph_, "cc");
        EXPECT_TRUE(op->RestoreState(*snap).ok());
      }
    }
    EXPECT_TRUE(op->ProcessWatermark(kMaxWatermark, &out).ok());
    *final_state = *op->SnapshotState(2);
    return Dump(out);
  };
  std::string s1, s2, s3;
  const auto whole = run(false, -1, &s1);
  const auto interleaved = run(true, -1, &s2);
  const auto restored = run(false, 2, &s3);
  ASSERT_GT(whole.size(), 6000u);
  EXPECT_EQ(whole, interleaved);
  EXPECT_EQ(whole, restored);
  EXPECT_EQ(s1, s3);
  bool promoted = false;
  for (const std::string& l : whole) promoted |= l.rfind("audit@", 0) == 0 && l.find("|promoted|") != std::string::npos;
  EXPECT_TRUE(promoted);  // the run exercised a decision
  // Corrupt state is refused.
  auto op = Make(config);
  for (size_t cut = 0; cut < s1.size(); cut += std::max<size_t>(1, s1.size() / 97)) {
    EXPECT_FALSE(op->RestoreState(s1.substr(0, cut)).ok());
  }
}

TEST_F(CcTest, BoundsTheBuffers) {
  auto op = Make(absl::StrCat(R"({"champion": "weak", "challenger": "strong", "max_buffered": 150, )",
                              Decisions(""), "}"));
  Collector out;
  const Schema* ev = graph_->nodes[0].output.get();
  auto e = std::make_unique<Batch>(ev);
  for (int i = 0; i < 200; ++i) {
    Value* r = e->rows.AddRow();
    r[0] = Value::String(e->rows.CopyBytes(absl::StrCat("x", i)));
    e->timestamps.push_back(i);
  }
  absl::Status s = op->ProcessBatch(0, std::move(e), &out);  // no watermark: all buffered
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
}

TEST(DriftOperatorTest, DetectsTheChangeInErrorsAndFeatures) {
  MlOperatorFixture f;
  auto g = f.Validate(testing::ChainJob(
      R"([{"name": "p", "type": "double"}, {"name": "y", "type": "bool"}, {"name": "x", "type": "double"}])",
      {R"("operator": "drift", "config": {"prediction": "p", "label": "y", "features": ["x"],
          "reference_size": 500, "window": 500, "check_every": 100, "ddm_warm_start": 1000})"}));
  ASSERT_TRUE(g.ok()) << g.status();
  auto op = f.Make(**g, "n0");
  Random rng(9);
  Collector out;
  constexpr int kChange = 3000;
  for (int start = 0; start < 6000; start += 250) {
    auto b = std::make_unique<Batch>(g.value()->nodes[0].output.get());
    for (int i = start; i < start + 250; ++i) {
      const bool y = rng.Uniform(2) == 1;
      const bool wrong = rng.NextDouble() < (i < kChange ? 0.05 : 0.4);
      Value* r = b->rows.AddRow();
      r[0] = Value::Double(y != wrong ? 0.9 : 0.1);
      r[1] = Value::Bool(y);
      r[2] = Value::Double(rng.NextDouble() + (i < kChange ? 0 : 0.5));
      b->timestamps.push_back(i);
    }
    ASSERT_TRUE(op->ProcessBatch(0, std::move(b), &out).ok());
  }
  std::map<std::string, int64_t> first;
  for (const Value* r : out.Rows()) {
    const std::string det(r[0].str());
    if (!first.count(det)) first[det] = r[2].timestamp_ms();
    EXPECT_GE(r[2].timestamp_ms(), kChange) << det << " false alarm";
    if (det == "psi" || det == "ks") {
      EXPECT_EQ(r[1].str(), "x");
    }
  }
  for (const char* det : {"adwin", "page_hinkley", "ddm", "psi", "ks"}) {
    ASSERT_TRUE(first.count(det)) << det << " never fired";
    EXPECT_LT(first[det], kChange + 1000) << det;
  }
}

}  // namespace
}  // namespace rtai::ml
