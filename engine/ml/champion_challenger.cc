#include "engine/ml/champion_challenger.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml {
namespace {
constexpr uint16_t kVersion = 1;
constexpr uint64_t kMaxIdBytes = 1024;

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string JsonNumber(double d) {
  return std::isfinite(d) ? absl::StrFormat("%.17g", d) : "null";
}
}  // namespace

const char* DecisionTypeName(DecisionType t) {
  switch (t) {
    case DecisionType::kPromoted:
      return "promoted";
    case DecisionType::kRolledBack:
      return "rolled_back";
    case DecisionType::kConfirmed:
      return "confirmed";
  }
  return "?";
}

std::string Decision::ToJson() const {
  return absl::StrCat("{\"type\":", JsonString(DecisionTypeName(type)),
                      ",\"event_time_ms\":", event_time_ms,
                      ",\"champion\":", JsonString(champion),
                      ",\"previous_champion\":", JsonString(previous_champion),
                      ",\"metric\":", JsonString(MetricName(metric)),
                      ",\"champion_metric\":", JsonNumber(champion_metric),
                      ",\"other_metric\":", JsonNumber(other_metric),
                      ",\"recorded_metric\":", JsonNumber(recorded_metric),
                      ",\"labels\":", labels,
                      ",\"reason\":", JsonString(reason), "}");
}

absl::Status ChampionChallengerOptions::Validate() const {
  PrequentialOptions p;
  p.window = window;
  RETURN_IF_ERROR(p.Validate());
  if (static_cast<uint8_t>(metric) > 2 || !(promotion_margin >= 0) ||
      !(rollback_margin >= 0) ||
      !std::isfinite(promotion_margin + rollback_margin) ||
      bake_period_ms < 0 || probation_ms < 0 || evaluate_every_labels < 1) {
    return absl::InvalidArgumentError(
        "champion-challenger: margins >= 0, periods >= 0, valid metric");
  }
  return absl::OkStatus();
}

ChampionChallenger::ChampionChallenger(const ChampionChallengerOptions& options,
                                       std::string model_a, std::string model_b)
    : options_(options),
      ids_{std::move(model_a), std::move(model_b)},
      metrics_{PrequentialMetrics(PrequentialOptions{options.window, 0.5}),
               PrequentialMetrics(PrequentialOptions{options.window, 0.5})} {
  CHECK_OK(options.Validate());
}

bool ChampionChallenger::Better(double x, double y, double margin) const {
  if (std::isnan(x) || std::isnan(y)) return false;
  return HigherIsBetter(options_.metric) ? x - y > margin : y - x > margin;
}

Decision ChampionChallenger::MakeDecision(DecisionType type, int previous_slot,
                                          std::string reason) const {
  return Decision{type,
                  now_ms_,
                  ids_[champion_slot_],
                  ids_[previous_slot],
                  options_.metric,
                  MetricOf(champion_slot_),
                  MetricOf(1 - champion_slot_),
                  recorded_metric_,
                  total_labels_,
                  std::move(reason)};
}

std::optional<Decision> ChampionChallenger::Evaluate() {
  const int champ = champion_slot_, chall = 1 - champion_slot_;
  const int64_t elapsed = now_ms_ - phase_start_ms_;
  if (phase_ == Phase::kShadow) {
    if (phase_labels_ < options_.min_labels ||
        elapsed < options_.bake_period_ms ||
        !Better(MetricOf(chall), MetricOf(champ), options_.promotion_margin)) {
      return std::nullopt;
    }
    recorded_metric_ = MetricOf(champ);
    champion_slot_ = chall;
    phase_ = Phase::kProbation;
    phase_start_ms_ = now_ms_;
    phase_labels_ = 0;
    return MakeDecision(DecisionType::kPromoted, champ,
                        "challenger beat the champion by more than the margin");
  }
  if (phase_ == Phase::kProbation &&
      phase_labels_ >= options_.rollback_min_labels) {
    if (Better(recorded_metric_, MetricOf(champ), options_.rollback_margin)) {
      champion_slot_ = chall;
      phase_ = Phase::kRetired;
      phase_start_ms_ = now_ms_;
      phase_labels_ = 0;
      return MakeDecision(DecisionType::kRolledBack, champ,
                          "promoted model fell below the old champion's "
                          "recorded metric");
    }
    if (elapsed >= options_.probation_ms) {
      phase_ = Phase::kShadow;
      phase_start_ms_ = now_ms_;
      phase_labels_ = 0;
      return MakeDecision(DecisionType::kConfirmed, champ,
                          "promoted model held its metric through probation");
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Decision>> ChampionChallenger::OnLabel(
    double score_a, double score_b, bool label, int64_t event_time_ms) {
  if (std::isnan(score_a) || std::isnan(score_b) || event_time_ms < 0) {
    return absl::InvalidArgumentError(
        "champion-challenger: NaN score or negative event time");
  }
  RETURN_IF_ERROR(metrics_[0].Update(score_a, label));
  RETURN_IF_ERROR(metrics_[1].Update(score_b, label));
  now_ms_ = std::max(now_ms_, event_time_ms);
  if (phase_start_ms_ < 0) phase_start_ms_ = now_ms_;
  ++phase_labels_;
  ++total_labels_;
  if (total_labels_ % options_.evaluate_every_labels != 0) return std::nullopt;
  return Evaluate();
}

void ChampionChallenger::ReplaceChallenger(std::string model_id,
                                           int64_t event_time_ms) {
  const int chall = 1 - champion_slot_;
  ids_[chall] = std::move(model_id);
  metrics_[chall] =
      PrequentialMetrics(PrequentialOptions{options_.window, 0.5});
  now_ms_ = std::max(now_ms_, event_time_ms);
  phase_ = Phase::kShadow;
  phase_start_ms_ = now_ms_;
  phase_labels_ = 0;
}

std::string ChampionChallenger::Serialize() const {
  StateWriter w(StateTag::kChampionChallenger, kVersion);
  const ChampionChallengerOptions& o = options_;
  w.U8(static_cast<uint8_t>(o.metric));
  w.U32(o.window);
  w.F64(o.promotion_margin);
  w.U64(o.min_labels);
  w.I64(o.bake_period_ms);
  w.F64(o.rollback_margin);
  w.U64(o.rollback_min_labels);
  w.I64(o.probation_ms);
  w.U32(o.evaluate_every_labels);
  w.String(ids_[0]);
  w.String(ids_[1]);
  w.Nested(metrics_[0].Serialize());
  w.Nested(metrics_[1].Serialize());
  w.U8(static_cast<uint8_t>(champion_slot_));
  w.U8(static_cast<uint8_t>(phase_));
  w.I64(now_ms_);
  w.I64(phase_start_ms_);
  w.U64(phase_labels_);
  w.U64(total_labels_);
  w.F64(recorded_metric_);
  return w.Finish();
}

absl::StatusOr<ChampionChallenger> ChampionChallenger::Deserialize(
    absl::string_view bytes) {
  ASSIGN_OR_RETURN(
      StateReader r,
      StateReader::Open(bytes, StateTag::kChampionChallenger, kVersion));
  ChampionChallengerOptions o;
  uint8_t metric, slot, phase;
  RETURN_IF_ERROR(r.U8(&metric));
  o.metric = static_cast<Metric>(metric);
  RETURN_IF_ERROR(r.U32(&o.window));
  RETURN_IF_ERROR(r.FiniteF64(&o.promotion_margin));
  RETURN_IF_ERROR(r.U64(&o.min_labels));
  RETURN_IF_ERROR(r.I64(&o.bake_period_ms));
  RETURN_IF_ERROR(r.FiniteF64(&o.rollback_margin));
  RETURN_IF_ERROR(r.U64(&o.rollback_min_labels));
  RETURN_IF_ERROR(r.I64(&o.probation_ms));
  RETURN_IF_ERROR(r.U32(&o.evaluate_every_labels));
  RETURN_IF_ERROR(o.Validate());
  std::string a, b, ma, mb;
  RETURN_IF_ERROR(r.String(&a, kMaxIdBytes));
  RETURN_IF_ERROR(r.String(&b, kMaxIdBytes));
  RETURN_IF_ERROR(r.String(&ma, bytes.size()));
  RETURN_IF_ERROR(r.String(&mb, bytes.size()));
  ChampionChallenger cc(o, std::move(a), std::move(b));
  ASSIGN_OR_RETURN(cc.metrics_[0], PrequentialMetrics::Deserialize(ma));
  ASSIGN_OR_RETURN(cc.metrics_[1], PrequentialMetrics::Deserialize(mb));
  RETURN_IF_ERROR(r.U8(&slot));
  RETURN_IF_ERROR(r.U8(&phase));
  if (slot > 1 || phase > 2)
    return CorruptState("champion-challenger", "bad slot/phase");
  cc.champion_slot_ = slot;
  cc.phase_ = static_cast<Phase>(phase);
  RETURN_IF_ERROR(r.I64(&cc.now_ms_));
  RETURN_IF_ERROR(r.I64(&cc.phase_start_ms_));
  RETURN_IF_ERROR(r.U64(&cc.phase_labels_));
  RETURN_IF_ERROR(r.U64(&cc.total_labels_));
  RETURN_IF_ERROR(r.F64(&cc.recorded_metric_));  // may be NaN (no data)
  RETURN_IF_ERROR(r.Done());
  if (cc.now_ms_ < 0 || cc.phase_start_ms_ < -1 ||
      cc.phase_start_ms_ > cc.now_ms_ || cc.phase_labels_ > cc.total_labels_) {
    return CorruptState("champion-challenger",
                        "inconsistent times or counters");
  }
  return cc;
}

}  // namespace rtai::ml
