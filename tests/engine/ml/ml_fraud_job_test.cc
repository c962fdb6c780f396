// The fraud-detection job (docs/examples/fraud_job.json) run in process on
// generated transactions with concept drift: an XGBoost champion trained by
// engine/ml/python/train_fraud_champion.py with /usr/bin/python3 on the
// pre-drift part, registered; the job's features, scores, online challenger,
// drift detection and audit checked on the output topics.
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "engine/io/memory_partition_client.h"
#include "engine/ml/fraud/transaction_generator.h"
#include "engine/runtime/checkpoint_storage.h"
#include "engine/runtime/job_runner.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_operator_test_util.h"
#include "tests/engine/ml/ml_test_util.h"

namespace rtai::ml {
namespace {

// The raw text of `key`'s value in a flat JSON object (test helper).
std::string Field(const std::string& json, const std::string& key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  size_t p = json.find(needle);
  if (p == std::string::npos) return "";
  p += needle.size();
  if (json[p] == '"') return json.substr(p + 1, json.find('"', p + 1) - p - 1);
  size_t end = json.find_first_of(",}", p);
  return json.substr(p, end - p);
}

double Num(const std::string& json, const std::string& key) {
  double d = 0;
  EXPECT_TRUE(absl::SimpleAtod(Field(json, key), &d)) << key << " in " << json;
  return d;
}

constexpr int kEvents = 30000;
constexpr int kDriftAfter = 15000;

class FraudJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("rtai_fraud_job_");
    FraudGeneratorOptions o;
    o.drift_after_events = kDriftAfter;
    TransactionGenerator gen(o);
    std::ofstream tx(dir_ + "/tx.jsonl"), labels(dir_ + "/labels.jsonl");
    for (const char* t : {"fraud-transactions", "fraud-labels", "fraud-scores", "fraud-alerts",
                          "fraud-audit", "fraud-drift"}) {
      ASSERT_TRUE(client_.CreateTopic(t, 1).ok());
    }
    int produced = 0;
    auto add_label = [&](const LabelEvent& l) {
      labels << l.ToJson() << "\n";
      truth_[l.event_id] = l.is_fraud;
      engine::io::ClientRecord r;
      r.value = l.ToJson();
      ASSERT_TRUE(client_.AppendTo("fraud-labels", 0, std::move(r)).ok());
    };
    while (produced < kEvents) {
      GeneratedEvent e = gen.Next();
      if (e.is_label) {
        add_label(e.label);
        continue;
      }
      tx << e.transaction.ToJson() << "\n";
      engine::io::ClientRecord r;
      r.value = e.transaction.ToJson();
      ASSERT_TRUE(client_.AppendTo("fraud-transactions", 0, std::move(r)).ok());
      ++produced;
    }
    for (const LabelEvent& l : gen.DrainLabels()) add_label(l);
    tx.close();
    labels.close();
    const std::string champion = dir_ + "/champion.json";
    ASSERT_EQ(testing::RunPython("train_fraud_champion.py",
                                 absl::StrCat(dir_, "/tx.jsonl ", dir_, "/labels.jsonl ", champion,
                                              " --pre-drift-events ", kDriftAfter, " > ", dir_,
                                              "/train.log")),
              0);
    f_.Register("fraud", ModelFormat::kXgboostJson, testing::ReadFileOrDie(champion), true);
  }
  void TearDown() override { testing::RemoveDir(dir_); }

  std::vector<std::string> Values(const std::string& topic) {
    std::vector<std::string> out;
    auto records = client_.ReadAll(topic, 0);
    EXPECT_TRUE(records.ok());
    for (const auto& r : *records) out.push_back(r.value);
    return out;
  }
  static int64_t Index(const std::string& event_id) {  // "tx-000000000042"
    int64_t i = -1;
    EXPECT_TRUE(absl::SimpleAtoi(event_id.substr(3), &i)) << event_id;
    return i;
  }

  std::string dir_;
  engine::io::MemoryPartitionClient client_;
  testing::MlOperatorFixture f_;
  std::map<std::string, bool> truth_;
};

TEST_F(FraudJobTest, ScoresLearnsDetectsDriftAndPromotes) {
  std::string json = testing::ReadFileOrDie(testing::SourceDir() + "/docs/examples/fraud_job.json");
  // Bounded sources: the job ends after the generated stream.
  json = absl::StrReplaceAll(json, {{R"("event_time": "event_time_ms"})",
                                     R"("event_time": "event_time_ms", "bounded": true})"},
                                    {R"("event_time": "label_time_ms"})",
                                     R"("event_time": "label_time_ms", "bounded": true})"}});
  auto g = f_.Validate(json);
  ASSERT_TRUE(g.ok()) << g.status();
  ::rtai::testing::TempDir state;
  engine::runtime::RuntimeOptions o;
  o.client = &client_;
  o.clock = f_.clock();
  o.state_dir = state.path();
  o.model_resolver = f_.registry();
  auto runner = engine::runtime::JobRunner::Start(*g, o, engine::operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  ASSERT_EQ((*runner)->Wait(), engine::runtime::RunState::kFinished) << (*runner)->status();

  // Every transaction scored once, by the champion until a promotion.
  const auto scores = Values("fraud-scores");
  ASSERT_EQ(scores.size(), static_cast<size_t>(kEvents));
  std::set<std::string> alerts;
  for (const std::string& a : Values("fraud-alerts")) alerts.insert(Field(a, "event_id"));
  int tp[2] = {0, 0}, fraud[2] = {0, 0}, flagged[2] = {0, 0};
  for (const std::string& s : scores) {
    const std::string id = Field(s, "event_id");
    const int after = Index(id) >= kDriftAfter;
    const bool alert = alerts.count(id) > 0;
    EXPECT_EQ(alert, Num(s, "score") >= 0.5);
    fraud[after] += truth_[id];
    flagged[after] += alert;
    tp[after] += alert && truth_[id];
  }
  ASSERT_GT(fraud[0], 100);
  ASSERT_GT(fraud[1], 100);
  // Before the drift the champion catches nearly all fraud, precisely.
  EXPECT_GT(tp[0], 0.9 * fraud[0]);
  EXPECT_GT(tp[0], 0.9 * flagged[0]);

  // The champion fails after the drift; the online challenger is promoted.
  const auto audit = Values("fraud-audit");
  int64_t promoted_at = -1;
  for (const std::string& a : audit) {
    if (Field(a, "decision") == "promoted" && promoted_at < 0) promoted_at = Num(a, "event_time");
  }
  ASSERT_GE(promoted_at, 0) << "no promotion; audit: " << audit.size() << " rows";
  int late_tp = 0, late_fraud = 0;
  for (const std::string& s : scores) {
    if (Field(s, "model").rfind("online-", 0) != 0) continue;
    const std::string id = Field(s, "event_id");
    late_fraud += truth_[id];
    late_tp += truth_[id] && alerts.count(id);
  }
  ASSERT_GT(late_fraud, 50);
  EXPECT_GT(late_tp, 0.5 * late_fraud) << "recall of the promoted online model";

  // Drift detected on the error stream after the drift, not before.
  const auto drift = Values("fraud-drift");
  int error_detections_after = 0;
  for (const std::string& d : drift) {
    const std::string det = Field(d, "detector");
    if (det == "adwin" || det == "ddm" || det == "page_hinkley") {
      error_detections_after += Num(d, "observations") > kDriftAfter - 2000;
    }
  }
  EXPECT_GT(error_detections_after, 0) << drift.size() << " drift events";
}

// `learn` fed by the feedback topic joined to the transactions by event id
// in event time with interval_join (label within 10 min after the
// transaction): every label joins, and the online model learns the fraud.
TEST_F(FraudJobTest, LearnFromFeedbackJoinedInEventTime) {
  const std::string json = R"json({"version": 1, "name": "learn-feedback",
    "schemas": [
      {"name": "tx", "fields": [{"name": "event_id", "type": "string"},
        {"name": "event_time_ms", "type": "int64"}, {"name": "card_id", "type": "string"},
        {"name": "merchant_category", "type": "string"}, {"name": "amount", "type": "double"},
        {"name": "channel", "type": "string"}]},
      {"name": "label", "fields": [{"name": "event_id", "type": "string"},
        {"name": "label_time_ms", "type": "int64"}, {"name": "is_fraud", "type": "bool"}]}],
    "nodes": [
      {"uid": "tx", "operator": "broker_source", "config": {"topic": "fraud-transactions",
        "schema": "tx", "event_time": "event_time_ms", "bounded": true}},
      {"uid": "labels", "operator": "broker_source", "config": {"topic": "fraud-labels",
        "schema": "label", "event_time": "label_time_ms", "bounded": true}},
      {"uid": "features", "operator": "map", "config": {"fields": [
        {"name": "event_id", "expr": "event_id"}, {"name": "amount", "expr": "amount"},
        {"name": "merchant_category", "expr": "merchant_category"},
        {"name": "is_online", "expr": "if(channel = 'online', 1.0, 0.0)"},
        {"name": "is_swipe", "expr": "if(channel = 'swipe', 1.0, 0.0)"},
        {"name": "hour_of_day", "expr": "(event_time_ms / 3600000) % 24"}]}},
      {"uid": "join", "operator": "interval_join", "config": {"left_key": ["event_id"],
        "right_key": ["event_id"], "lower_bound_ms": 0, "upper_bound_ms": 600000,
        "right_prefix": "fb_"}},
      {"uid": "learn", "operator": "learn", "config": {"label": "fb_is_fraud",
        "learner": {"type": "ftrl", "features": ["amount", "is_online", "is_swipe", "hour_of_day"],
                    "hashed_features": ["merchant_category"], "hash_buckets": 64}}},
      {"uid": "out", "operator": "broker_sink", "config": {"topic": "fraud-scores"}}],
    "edges": [{"from": "tx", "to": "features"}, {"from": "features", "to": "join"},
              {"from": "labels", "to": "join"}, {"from": "join", "to": "learn"},
              {"from": "learn", "to": "out"}]})json";
  auto g = f_.Validate(json);
  ASSERT_TRUE(g.ok()) << g.status();
  ::rtai::testing::TempDir state;
  engine::runtime::RuntimeOptions o;
  o.client = &client_;
  o.clock = f_.clock();
  o.state_dir = state.path();
  auto runner = engine::runtime::JobRunner::Start(*g, o, engine::operators::CreateOperator);
  ASSERT_TRUE(runner.ok()) << runner.status();
  ASSERT_EQ((*runner)->Wait(), engine::runtime::RunState::kFinished) << (*runner)->status();
  const auto rows = Values("fraud-scores");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kEvents));  // every label joined its transaction
  // Prequential quality on the second half (after the drift too): the
  // learner ranks fraud far above legitimate transactions.
  double fraud_p = 0, legit_p = 0;
  int fraud = 0, legit = 0;
  for (const std::string& r : rows) {
    if (Index(Field(r, "event_id")) < kEvents / 2) continue;
    EXPECT_EQ(Field(r, "event_id"), Field(r, "fb_event_id"));
    const bool y = Field(r, "fb_is_fraud") == "true";
    (y ? fraud_p : legit_p) += Num(r, "prediction");
    ++(y ? fraud : legit);
  }
  ASSERT_GT(fraud, 50);
  EXPECT_GT(fraud_p / fraud, 5 * legit_p / legit);
}

// The in-process equivalent of killing the fraud job and recovering it from
// a checkpoint (the SIGKILL test needs the checkpoint machinery): the job's
// stateful operators (rolling_features, champion_challenger with its online
// learner, drift) are fed the generated stream; one run is snapshotted
// mid-stream, its operators destroyed, new ones restored from the snapshots
// and fed the rest. Scores, audit, labelled rows, drift events and the final
// state (model weights included) equal the uninterrupted run's, bit for bit.
class FraudPipeline {
 public:
  FraudPipeline(testing::MlOperatorFixture* f, const engine::graph::ValidatedGraph* g)
      : f_(f), g_(g) {
    for (const char* uid : {"card-windows", "features", "models", "drift"}) ops_.push_back(f_->Make(*g_, uid));
  }
  void Feed(const std::vector<GeneratedEvent>& events) {
    auto tx = std::make_unique<engine::runtime::Batch>(Schema("transactions"));
    auto lb = std::make_unique<engine::runtime::Batch>(Schema("feedback"));
    int64_t tx_wm = watermarks_[0], lb_wm = watermarks_[1];
    for (const GeneratedEvent& e : events) {
      if (e.is_label) {
        const LabelEvent& l = e.label;
        engine::Value* r = lb->rows.AddRow();
        r[0] = engine::Value::String(lb->rows.CopyBytes(l.event_id));
        r[1] = engine::Value::String(lb->rows.CopyBytes(l.card_id));
        r[2] = engine::Value::Int64(l.label_time_ms);
        r[3] = engine::Value::Int64(l.transaction_time_ms);
        r[4] = engine::Value::Bool(l.is_fraud);
        lb->timestamps.push_back(l.label_time_ms);
        lb_wm = std::max(lb_wm, l.label_time_ms - 1);
        continue;
      }
      const Transaction& t = e.transaction;
      engine::Value* r = tx->rows.AddRow();
      r[0] = engine::Value::String(tx->rows.CopyBytes(t.event_id));
      r[1] = engine::Value::Int64(t.event_time_ms);
      r[2] = engine::Value::String(tx->rows.CopyBytes(t.card_id));
      r[3] = engine::Value::String(tx->rows.CopyBytes(t.merchant_id));
      r[4] = engine::Value::String(tx->rows.CopyBytes(t.merchant_category));
      r[5] = engine::Value::Double(t.amount);
      r[6] = engine::Value::Double(t.merchant_lat);
      r[7] = engine::Value::Double(t.merchant_lon);
      r[8] = engine::Value::String(tx->rows.CopyBytes(t.channel));
      tx->timestamps.push_back(t.event_time_ms);
      tx_wm = std::max(tx_wm, t.event_time_ms - 1);
    }
    testing::Collector windows, features;
    ASSERT_TRUE(ops_[0]->ProcessBatch(0, std::move(tx), &windows).ok());
    for (auto& b : windows.batches[""]) ASSERT_TRUE(ops_[1]->ProcessBatch(0, std::move(b), &features).ok());
    for (auto& b : features.batches[""]) ASSERT_TRUE(ops_[2]->ProcessBatch(0, std::move(b), &models_).ok());
    ASSERT_TRUE(ops_[2]->ProcessBatch(1, std::move(lb), &models_).ok());
    watermarks_[0] = tx_wm;
    watermarks_[1] = lb_wm;
    ASSERT_TRUE(ops_[2]->ProcessWatermark(std::min(tx_wm, lb_wm), &models_).ok());
    for (auto& b : models_.batches["labelled"]) {
      if (b == nullptr) continue;
      Dump("labelled", *b);
      ASSERT_TRUE(ops_[3]->ProcessBatch(0, std::move(b), &drift_).ok());
    }
    models_.batches["labelled"].clear();
  }
  // Snapshots every operator, replaces them by new ones restored from it.
  void Recover() {
    std::vector<std::string> states;
    for (auto& op : ops_) states.push_back(*op->SnapshotState(7));
    ops_.clear();
    for (const char* uid : {"card-windows", "features", "models", "drift"}) ops_.push_back(f_->Make(*g_, uid));
    for (size_t i = 0; i < ops_.size(); ++i) ASSERT_TRUE(ops_[i]->RestoreState(states[i]).ok()) << i;
  }
  std::vector<std::string> Finish(std::vector<std::string>* states) {
    for (const char* name : {"", "audit"}) {
      for (auto& b : models_.batches[name]) Dump(name, *b);
    }
    for (auto& b : drift_.batches[""]) Dump("drift", *b);
    for (auto& op : ops_) states->push_back(*op->SnapshotState(8));
    return lines_;
  }

 private:
  const engine::Schema* Schema(const std::string& uid) {
    return g_->nodes[testing::MlOperatorFixture::NodeIndex(*g_, uid)].output.get();
  }
  void Dump(const std::string& name, const engine::runtime::Batch& b) {
    for (size_t i = 0; i < b.size(); ++i) {
      std::string line = absl::StrCat(name, "@", b.timestamps[i]);
      const engine::Value* r = b.rows.row(i);
      for (size_t c = 0; c < b.rows.num_columns(); ++c) {
        if (r[c].is_null()) absl::StrAppend(&line, "|-");
        else if (r[c].type() == engine::TypeId::kDouble) absl::StrAppend(&line, "|", testing::Bits(r[c].dbl()));
        else if (r[c].type() == engine::TypeId::kString) absl::StrAppend(&line, "|", std::string(r[c].str()));
        else absl::StrAppend(&line, "|", r[c].int64());
      }
      lines_.push_back(std::move(line));
    }
  }
  testing::MlOperatorFixture* f_;
  const engine::graph::ValidatedGraph* g_;
  std::vector<std::unique_ptr<engine::runtime::Operator>> ops_;
  testing::Collector models_, drift_;
  int64_t watermarks_[2] = {engine::runtime::kMinWatermark, engine::runtime::kMinWatermark};
  std::vector<std::string> lines_;
};

TEST_F(FraudJobTest, RecoveryFromASnapshotMidStreamChangesNothing) {
  auto g = f_.Validate(testing::ReadFileOrDie(testing::SourceDir() + "/docs/examples/fraud_job.json"));
  ASSERT_TRUE(g.ok()) << g.status();
  FraudGeneratorOptions o;
  o.drift_after_events = kDriftAfter;
  std::vector<std::vector<GeneratedEvent>> chunks(1);
  TransactionGenerator gen(o);
  for (int n = 0; n < kEvents;) {
    GeneratedEvent e = gen.Next();
    n += !e.is_label;
    chunks.back().push_back(std::move(e));
    if (chunks.back().size() == 1000) chunks.emplace_back();
  }
  auto run = [&](int recover_after, std::vector<std::string>* states) {
    FraudPipeline p(&f_, g->get());
    for (size_t i = 0; i < chunks.size(); ++i) {
      p.Feed(chunks[i]);
      if (static_cast<int>(i) == recover_after) p.Recover();
    }
    return p.Finish(states);
  };
  std::vector<std::string> states_a, states_b;
  const auto a = run(-1, &states_a);
  // Recover before the drift (tx ~10,000 of 30,000): the drift, its
  // detection and the promotion all happen in restored operators.
  const auto b = run(static_cast<int>(chunks.size()) / 3, &states_b);
  ASSERT_GT(a.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "outputs differ after recovery";
  EXPECT_EQ(states_a, states_b);  // features, learner weights, detectors, buffers
  bool promoted = false;
  for (const std::string& l : a) promoted |= l.rfind("audit@", 0) == 0 && l.find("|promoted|") != std::string::npos;
  EXPECT_TRUE(promoted);
}

// With the checkpoint machinery: the bounded fraud job, checkpointed every
// 20 ms with exactly-once sinks, is destroyed at random moments and
// restarted from its latest checkpoint (the operators' SnapshotState /
// RestoreState carry the features, learner, decisions and join buffers).
// The committed scores, alerts, audit and drift topics equal an
// uninterrupted run's. (The SIGKILL variant through rtaid is not built.)
struct CheckpointedFraudJob {
  engine::io::MemoryPartitionClient client;
  ::rtai::testing::TempDir dir;
  std::shared_ptr<const engine::graph::ValidatedGraph> graph;
  std::unique_ptr<engine::runtime::JobRunner> runner;

  std::string CheckpointDir() { return JoinPath(dir.path(), "checkpoints"); }
  absl::Status Start(testing::MlOperatorFixture& f, bool restore) {
    engine::runtime::RuntimeOptions o;
    o.client = &client;
    o.txn_client = &client;
    o.exactly_once = true;
    o.job_id = "job-fraud";
    o.clock = f.clock();
    o.model_resolver = f.registry();
    o.state_dir = JoinPath(dir.path(), "state");
    o.source_batch_records = 64;
    o.checkpoint.dir = CheckpointDir();
    o.checkpoint.interval_ms = 20;
    o.checkpoint.timeout_ms = 10000;
    if (restore) {
      ASSIGN_OR_RETURN(auto latest, engine::runtime::FindLatestCheckpoint(DefaultFileSystem(), CheckpointDir()));
      const int64_t id = latest.has_value() ? latest->manifest.checkpoint_id : 0;
      RETURN_IF_ERROR(engine::runtime::DeleteCheckpointsAfter(DefaultFileSystem(), CheckpointDir(), id));
      if (latest.has_value()) o.restore = std::move(*latest);
    }
    ASSIGN_OR_RETURN(runner, engine::runtime::JobRunner::Start(graph, o, engine::operators::CreateOperator));
    return absl::OkStatus();
  }
  std::vector<std::string> Committed(const std::string& topic) {
    std::vector<std::string> out;
    auto records = client.ReadAllCommitted(topic, 0);
    EXPECT_TRUE(records.ok()) << records.status();
    if (records.ok()) {
      for (const auto& r : *records) out.push_back(r.value);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(FraudJobTest, CrashesAndCheckpointRestoresLeaveTheCommittedOutputUnchanged) {
  std::string json = testing::ReadFileOrDie(testing::SourceDir() + "/docs/examples/fraud_job.json");
  json = absl::StrReplaceAll(json, {{R"("event_time": "event_time_ms"})",
                                     R"("event_time": "event_time_ms", "bounded": true})"},
                                    {R"("event_time": "label_time_ms"})",
                                     R"("event_time": "label_time_ms", "bounded": true})"}});
  auto g = f_.Validate(json);
  ASSERT_TRUE(g.ok()) << g.status();
  auto fill = [&](CheckpointedFraudJob& job) {
    job.graph = *g;
    for (const char* t : {"fraud-transactions", "fraud-labels", "fraud-scores", "fraud-alerts",
                          "fraud-audit", "fraud-drift"}) {
      ASSERT_TRUE(job.client.CreateTopic(t, 1).ok());
    }
    for (const char* t : {"fraud-transactions", "fraud-labels"}) {
      auto records = client_.ReadAll(t, 0);
      ASSERT_TRUE(records.ok());
      for (auto& r : *records) ASSERT_TRUE(job.client.AppendTo(t, 0, r).ok());
    }
  };
  CheckpointedFraudJob ref;
  fill(ref);
  ASSERT_TRUE(ref.Start(f_, false).ok());
  ASSERT_EQ(ref.runner->Wait(), engine::runtime::RunState::kFinished) << ref.runner->status();

  CheckpointedFraudJob job;
  fill(job);
  ASSERT_TRUE(job.Start(f_, false).ok());
  Random rng(7);
  int crashes = 0;
  while (crashes < 8) {
    absl::SleepFor(absl::Milliseconds(50 + rng.Uniform(150)));
    if (job.runner->state() != engine::runtime::RunState::kRunning) break;
    job.runner.reset();  // the crash: tasks stop wherever they are
    ++crashes;
    ASSERT_TRUE(job.Start(f_, true).ok());
  }
  ASSERT_EQ(job.runner->Wait(), engine::runtime::RunState::kFinished) << job.runner->status();
  RecordProperty("crashes", crashes);
  EXPECT_GE(crashes, 2);  // restores happened mid-stream
  for (const char* t : {"fraud-scores", "fraud-alerts", "fraud-audit", "fraud-drift"}) {
    const auto want = ref.Committed(t);
    const auto got = job.Committed(t);
    EXPECT_EQ(got.size(), want.size()) << t;
    EXPECT_TRUE(got == want) << t << " differs after " << crashes << " crashes";
  }
  EXPECT_EQ(ref.Committed("fraud-scores").size(), static_cast<size_t>(kEvents));
}

}  // namespace
}  // namespace rtai::ml
