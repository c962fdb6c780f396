#pragma once
// Champion-challenger decision logic for two models scoring the same events
// (the `champion_challenger` operator wraps this; it holds no models itself).
//
// Both models' probabilities for each labelled event are fed to OnLabel();
// each model has its own windowed prequential metrics. Lifecycle:
//   kShadow:    the challenger is shadowed. It is promoted when it has been
//               scored on >= min_labels labels, event time has advanced
//               >= bake_period_ms since it entered, and its metric beats the
//               champion's by strictly more than promotion_margin.
//   kProbation: the promoted model serves. The old champion's metric at
//               promotion is recorded; once rollback_min_labels labels have
//               arrived, if the new champion's metric is worse than that
//               record by more than rollback_margin it is rolled back
//               (-> kRetired). If it holds for probation_ms of event time it
//               is confirmed (-> kShadow, the old champion now the challenger).
//   kRetired:   the rolled-back challenger gets no new chance until
//               ReplaceChallenger() brings a new one (-> kShadow).
// Event time is the maximum seen (labels may arrive out of order). Every
// decision is returned as a Decision (serialize with ToJson() for an audit
// topic). Thread safety: none (one owner, operator state).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/drift/prequential_metrics.h"

namespace rtai::ml {

struct ChampionChallengerOptions {
  Metric metric = Metric::kAuc;         // Default: AUC
  uint32_t window = 1000;               // Default: 1000 (labels per metric)
  double promotion_margin = 0.01;       // Default: 0.01 (metric units)
  uint64_t min_labels = 1000;           // Default: 1000
  int64_t bake_period_ms = 600000;      // Default: 10 min (event time)
  double rollback_margin = 0.0;         // Default: 0 (metric units)
  uint64_t rollback_min_labels = 1000;  // Default: 1000 (= window)
  int64_t probation_ms = 3600000;       // Default: 1 h (event time)
  // Decisions are evaluated on every k-th label (exact AUC costs
  // O(window log window) per evaluation).
  uint32_t evaluate_every_labels = 1;  // Default: 1 (>= 1)
  absl::Status Validate() const;
};

enum class DecisionType : uint8_t {
  kPromoted = 0,
  kRolledBack = 1,
  kConfirmed = 2
};
const char* DecisionTypeName(DecisionType t);

struct Decision {
  DecisionType type;
  int64_t event_time_ms;
  std::string champion;           // serving after the decision
  std::string previous_champion;  // serving before it
  Metric metric;
  double champion_metric;  // of `champion`, at decision time
  double other_metric;     // of the other model
  double recorded_metric;  // old champion's metric at promotion
  uint64_t labels;         // labels seen in total
  std::string reason;
  std::string ToJson() const;
};

class ChampionChallenger {
 public:
  enum class Phase : uint8_t { kShadow = 0, kProbation = 1, kRetired = 2 };

  // Model "a" starts as champion, "b" as challenger. Options Validate()d.
  ChampionChallenger(const ChampionChallengerOptions& options,
                     std::string model_a, std::string model_b);

  // score_a / score_b: P(y=1) from model a / b for this labelled event.
  // NaN scores or negative times are InvalidArgument.
  absl::StatusOr<std::optional<Decision>> OnLabel(double score_a,
                                                  double score_b, bool label,
                                                  int64_t event_time_ms);
  // Puts a new challenger into the non-serving slot (fresh metrics).
  void ReplaceChallenger(std::string model_id, int64_t event_time_ms);

  bool champion_is_a() const { return champion_slot_ == 0; }
  const std::string& champion() const { return ids_[champion_slot_]; }
  const std::string& challenger() const { return ids_[1 - champion_slot_]; }
  Phase phase() const { return phase_; }
  double MetricOf(int slot) const {
    return metrics_[slot].Get(options_.metric);
  }

  std::string Serialize() const;
  static absl::StatusOr<ChampionChallenger> Deserialize(
      absl::string_view bytes);

 private:
  bool Better(double x, double y, double margin) const;
  Decision MakeDecision(DecisionType type, int previous_slot,
                        std::string reason) const;
  std::optional<Decision> Evaluate();

  ChampionChallengerOptions options_;
  std::string ids_[2];
  PrequentialMetrics metrics_[2];
  int champion_slot_ = 0;
  Phase phase_ = Phase::kShadow;
  int64_t now_ms_ = 0;           // max event time seen
  int64_t phase_start_ms_ = -1;  // -1: set by the first label
  uint64_t phase_labels_ = 0;    // labels since the phase started
  uint64_t total_labels_ = 0;
  double recorded_metric_ = 0;
};

}  // namespace rtai::ml
