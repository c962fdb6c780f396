#pragma once
// champion_challenger v1 (docs/JOBS.md). Input 0: events; input 1: labels
// (feedback), joined by id in event time. Both models score every event:
// the champion (a registry model) and the challenger (a registry model or an
// online learner that learns from every joined label). The serving model's
// score is `score` on the main output (with `shadow_score` and `model`);
// labels feed ChampionChallenger (engine/ml/champion_challenger.h), whose
// decisions (promoted, rolled_back, confirmed) and periodic retrains are rows
// on side output `audit`; every joined event goes to side output `labelled`
// (with its scores and label) for drift detection and reporting.
//
// Determinism: inputs are buffered and processed in event-time order
// (ts, events before labels, arrival order) when the merged watermark passes
// them, so scores, learning and decisions do not depend on how the two
// inputs interleave, and a restore from a checkpoint continues exactly.
// Latency is therefore bounded below by the watermark (both inputs).
// Records at or behind the watermark on arrival are processed at once.
// An event waits for its label until the watermark (or the next processed
// item's time) passes ts + label_timeout_ms; a label without its event is
// dropped (counted).
// Buffers are bounded by max_buffered (beyond: the job fails,
// RESOURCE_EXHAUSTED — raise it or fix the lagging input).
// Periodic retraining (retrain_every_ms > 0): when a label's event time
// reaches the schedule and the learner is the shadowed challenger, a fresh
// learner is trained on the last retrain_last_n joined labels
// (retrain_epochs passes) and replaces it (fresh metrics, new bake period).

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "engine/ml/champion_challenger.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/ml/operators/model_scorer.h"
#include "engine/ml/operators/online_learner.h"
#include "engine/ml/operators/owned_row.h"
#include "engine/runtime/operator.h"

namespace rtai::ml::ops {

class ChampionChallengerOperator : public engine::runtime::Operator {
 public:
  // The schemas must outlive the operator; outputs: main, audit, labelled.
  ChampionChallengerOperator(const ChampionChallengerConfig& config,
                             const engine::Schema* events, const engine::Schema* labels,
                             const engine::Schema* output, const engine::Schema* audit,
                             const engine::Schema* labelled);

  absl::Status Open(const engine::runtime::OperatorContext& ctx) override;
  absl::Status ProcessBatch(int input, std::unique_ptr<engine::runtime::Batch> batch,
                            engine::runtime::Output* out) override;
  absl::Status ProcessWatermark(int64_t watermark, engine::runtime::Output* out) override;
  absl::StatusOr<std::string> SnapshotState(int64_t checkpoint_id) override;
  absl::Status RestoreState(std::string_view bytes) override;

  const ChampionChallenger& decisions() const { return cc_; }
  const OnlineLearner* learner() const { return learner_ ? &*learner_ : nullptr; }

 private:
  struct Label {
    std::string id;
    bool label = false;
  };
  struct Awaiting {
    OwnedRow row;
    int64_t ts = 0;
    double score_a = 0, score_b = 0;
    bool served_a = true;
    std::string model;  // serving when scored
    LearnerInput x;
  };
  using Seq = std::pair<int64_t, uint64_t>;  // (ts, arrival sequence)
  struct Pending;  // output batches being built

  std::string IdOf(const engine::Value& v) const;
  std::string LearnerId() const;
  absl::Status CheckBounds() const;
  absl::Status ProcessEvent(OwnedRow row, int64_t ts, Pending* p);
  void ProcessLabel(const Label& label, int64_t ts, Pending* p);
  void MaybeRetrain(int64_t ts, Pending* p);
  // Dashboard hooks (OperatorContext::ml_metrics): serving versions, promotion.
  void ReportServing(const Decision* promoted);
  void Audit(Pending* p, const std::string& decision, int64_t ts, const std::string& reason,
             const Decision* d);
  absl::Status Drain(int64_t upto, engine::runtime::Output* out);
  // Drops events still waiting for a label whose ts + label_timeout_ms < t.
  void ExpireBefore(int64_t t);
  absl::Status Flush(Pending* p, engine::runtime::Output* out);
  // RestoreState's parts (champion_challenger_state.cc).
  absl::Status DecodeQueues(StateReader& r, std::map<Seq, OwnedRow>* events,
                            std::map<Seq, Label>* labels) const;
  absl::Status DecodeAwaiting(StateReader& r, bool has_learner,
                              absl::flat_hash_map<std::string, Awaiting>* awaiting,
                              std::deque<std::pair<int64_t, std::string>>* expiry) const;

  ChampionChallengerConfig config_;
  const engine::Schema* events_schema_;
  const engine::Schema* labels_schema_;
  const engine::Schema* output_;
  const engine::Schema* audit_;
  const engine::Schema* labelled_;
  ModelScorer champion_;
  std::optional<ModelScorer> challenger_model_;
  std::optional<OnlineLearner> learner_;
  ChampionChallenger cc_;

  int64_t watermark_;
  uint64_t seq_ = 0;
  std::map<Seq, OwnedRow> events_;  // waiting for the watermark
  std::map<Seq, Label> labels_;
  absl::flat_hash_map<std::string, Awaiting> awaiting_;  // scored, waiting for a label
  std::deque<std::pair<int64_t, std::string>> expiry_;   // (ts, id) in processing order
  std::deque<std::pair<LearnerInput, bool>> recent_;     // last retrain_last_n joined labels
  int64_t next_retrain_ms_ = -1;
  uint64_t generation_ = 0;
  uint64_t unmatched_labels_ = 0;
  uint64_t expired_events_ = 0;
  uint64_t labels_since_report_ = 0;  // metrics hook only; not state
};

}  // namespace rtai::ml::ops
