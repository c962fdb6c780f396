#include "engine/ml/operators/champion_challenger_operator.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/learn_operator.h"
#include "engine/runtime/ml_metrics.h"

namespace rtai::ml::ops {

using engine::Value;
using engine::runtime::Batch;

struct ChampionChallengerOperator::Pending {
  explicit Pending(const Clock* clock) : start_ns(clock != nullptr ? clock->MonotonicNanos() : 0) {}
  std::unique_ptr<Batch> main, audit, labelled;
  int64_t scored = 0;  // events scored since start_ns (metrics hook)
  int64_t start_ns;
};

namespace {
const char* LearnerName(LearnerSpec::Kind k) {
  switch (k) {
    case LearnerSpec::Kind::kFtrl: return "ftrl";
    case LearnerSpec::Kind::kSgd: return "sgd";
    case LearnerSpec::Kind::kHoeffding: return "hoeffding";
  }
  return "?";
}
}  // namespace

ChampionChallengerOperator::ChampionChallengerOperator(
    const ChampionChallengerConfig& config, const engine::Schema* events,
    const engine::Schema* labels, const engine::Schema* output, const engine::Schema* audit,
    const engine::Schema* labelled)
    : config_(config),
      events_schema_(events),
      labels_schema_(labels),
      output_(output),
      audit_(audit),
      labelled_(labelled),
      champion_(config.champion),
      cc_(config.decision, config.champion.resolved,
          config.challenger_is_learner
              ? absl::StrCat("online-", LearnerName(config.challenger_learner.kind), "#0")
              : config.challenger_model.resolved),
      watermark_(engine::runtime::kMinWatermark) {
  if (config_.challenger_is_learner) {
    learner_.emplace(config_.challenger_learner);
  } else {
    challenger_model_.emplace(config_.challenger_model);
  }
}

absl::Status ChampionChallengerOperator::Open(const engine::runtime::OperatorContext& ctx) {
  RETURN_IF_ERROR(Operator::Open(ctx));
  ReportServing(nullptr);
  return absl::OkStatus();
}

std::string ChampionChallengerOperator::LearnerId() const {
  return absl::StrCat("online-", LearnerName(config_.challenger_learner.kind), "#", generation_);
}

std::string ChampionChallengerOperator::IdOf(const Value& v) const {
  if (v.is_null()) return std::string();
  if (v.type() == engine::TypeId::kString || v.type() == engine::TypeId::kBytes) {
    return std::string(v.str());
  }
  return absl::StrCat(v.int64());
}

absl::Status ChampionChallengerOperator::CheckBounds() const {
  const uint64_t n = events_.size() + labels_.size() + awaiting_.size();
  if (n > config_.max_buffered) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "champion_challenger: more than max_buffered = ", config_.max_buffered,
        " buffered events and labels (an input lags the other by too much event time, or "
        "labels never arrive; raise max_buffered or lower label_timeout_ms)"));
  }
  return absl::OkStatus();
}

absl::Status ChampionChallengerOperator::ProcessBatch(int input, std::unique_ptr<Batch> batch,
                                                      engine::runtime::Output* out) {
  Pending p(ctx_.clock);
  for (size_t i = 0; i < batch->size(); ++i) {
    const Value* row = batch->rows.row(i);
    const int64_t ts = batch->timestamps[i];
    if (input == 0) {
      OwnedRow owned(row, events_schema_->num_fields());
      if (ts <= watermark_) {
        RETURN_IF_ERROR(ProcessEvent(std::move(owned), ts, &p));
      } else {
        events_.emplace(Seq{ts, seq_++}, std::move(owned));
      }
    } else {
      const std::optional<bool> label = LabelOf(row[config_.label_column]);
      const Value& id = row[config_.label_id_column];
      if (!label.has_value() || id.is_null()) {
        ++unmatched_labels_;
        if (ctx_.metrics != nullptr) ctx_.metrics->records_dropped.fetch_add(1);
        continue;
      }
      Label l{IdOf(id), *label};
      if (ts <= watermark_) {
        ProcessLabel(l, ts, &p);
      } else {
        labels_.emplace(Seq{ts, seq_++}, std::move(l));
      }
    }
  }
  RETURN_IF_ERROR(CheckBounds());
  return Flush(&p, out);
}

absl::Status ChampionChallengerOperator::ProcessWatermark(int64_t watermark,
                                                          engine::runtime::Output* out) {
  if (watermark > watermark_) {
    watermark_ = watermark;
    RETURN_IF_ERROR(Drain(watermark, out));
  }
  return out->EmitWatermark(watermark);
}

absl::Status ChampionChallengerOperator::Drain(int64_t upto, engine::runtime::Output* out) {
  Pending p(ctx_.clock);
  // Merge in (ts, events first, arrival) order.
  while (true) {
    auto e = events_.begin();
    auto l = labels_.begin();
    const bool has_e = e != events_.end() && e->first.first <= upto;
    const bool has_l = l != labels_.end() && l->first.first <= upto;
    if (!has_e && !has_l) break;
    // Expire by the item's own time too, so whether an event times out
    // before its label does not depend on how the watermark advanced.
    ExpireBefore(has_e && (!has_l || e->first.first <= l->first.first) ? e->first.first
                                                                       : l->first.first);
    if (has_e && (!has_l || e->first.first <= l->first.first)) {
      const int64_t ts = e->first.first;
      OwnedRow row = std::move(e->second);
      events_.erase(e);
      RETURN_IF_ERROR(ProcessEvent(std::move(row), ts, &p));
    } else {
      ProcessLabel(l->second, l->first.first, &p);
      labels_.erase(l);
    }
  }
  ExpireBefore(upto);
  return Flush(&p, out);
}

void ChampionChallengerOperator::ExpireBefore(int64_t t) {
  while (!expiry_.empty() && (t == engine::runtime::kMaxWatermark ||
                              expiry_.front().first + config_.label_timeout_ms < t)) {
    auto it = awaiting_.find(expiry_.front().second);
    if (it != awaiting_.end() && it->second.ts == expiry_.front().first) {
      awaiting_.erase(it);
      ++expired_events_;
    }
    expiry_.pop_front();
  }
}

absl::Status ChampionChallengerOperator::ProcessEvent(OwnedRow event, int64_t ts,
                                                      Pending* p) {
  const Value* row = event.values();
  Awaiting a;
  a.ts = ts;
  a.score_a = champion_.ScoreOne(row);
  ++p->scored;
  if (learner_.has_value()) {
    a.x = learner_->Extract(row);
    a.score_b = learner_->Predict(a.x);
  } else {
    a.score_b = challenger_model_->ScoreOne(row);
  }
  a.served_a = cc_.champion_is_a();
  a.model = cc_.champion();
  if (p->main == nullptr) p->main = std::make_unique<Batch>(output_);
  const size_t width = events_schema_->num_fields();
  Value* out = p->main->rows.AddRow();
  event.CopyTo(&p->main->rows, out);
  out[width] = Value::Double(a.served_a ? a.score_a : a.score_b);
  out[width + 1] = Value::Double(a.served_a ? a.score_b : a.score_a);
  out[width + 2] = Value::String(p->main->rows.CopyBytes(cc_.champion()));
  if (config_.processing_time) {
    out[width + 3] = Value::Timestamp(ctx_.clock != nullptr ? ctx_.clock->NowMillis() : 0);
  }
  p->main->timestamps.push_back(ts);
  const std::string id = IdOf(row[config_.id_column]);
  if (id.empty()) return absl::OkStatus();  // a null id can never be labelled
  a.row = std::move(event);  // `row` is not used after this
  expiry_.emplace_back(ts, id);
  awaiting_.insert_or_assign(id, std::move(a));
  return absl::OkStatus();
}

void ChampionChallengerOperator::ProcessLabel(const Label& label, int64_t ts, Pending* p) {
  auto it = awaiting_.find(label.id);
  if (it == awaiting_.end()) {
    ++unmatched_labels_;
    if (ctx_.metrics != nullptr) ctx_.metrics->records_dropped.fetch_add(1);
    return;
  }
  Awaiting& a = it->second;
  auto decision = cc_.OnLabel(a.score_a, a.score_b, label.label, std::max(ts, int64_t{0}));
  if (decision.ok() && decision->has_value()) {
    const Decision& d = **decision;
    Audit(p, DecisionTypeName(d.type), ts, d.reason, &d);
    ReportServing(d.type == DecisionType::kPromoted ? &d : nullptr);
  }
  if (ctx_.ml_metrics != nullptr && ++labels_since_report_ >= 500) {
    labels_since_report_ = 0;
    const char* metric = MetricName(config_.decision.metric);
    for (int slot = 0; slot < 2; ++slot) {
      const bool serving = (slot == 0) == cc_.champion_is_a();
      const auto [name, version] = SplitModelId(serving ? cc_.champion() : cc_.challenger());
      ctx_.ml_metrics->Prequential(name, version, serving ? "champion" : "challenger", metric,
                                   cc_.MetricOf(slot));
    }
  }
  if (learner_.has_value()) {
    learner_->Learn(a.x, label.label);
    if (config_.retrain_every_ms > 0) {
      recent_.emplace_back(a.x, label.label);
      if (recent_.size() > config_.retrain_last_n) recent_.pop_front();
    }
  }
  if (p->labelled == nullptr) p->labelled = std::make_unique<Batch>(labelled_);
  const size_t width = events_schema_->num_fields();
  Value* out = p->labelled->rows.AddRow();
  a.row.CopyTo(&p->labelled->rows, out);
  out[width] = Value::Double(a.served_a ? a.score_a : a.score_b);
  out[width + 1] = Value::Double(a.served_a ? a.score_b : a.score_a);
  out[width + 2] = Value::String(p->labelled->rows.CopyBytes(a.model));
  out[width + 3] = Value::Bool(label.label);
  p->labelled->timestamps.push_back(a.ts);
  awaiting_.erase(it);
  MaybeRetrain(ts, p);
}

void ChampionChallengerOperator::ReportServing(const Decision* promoted) {
  if (ctx_.ml_metrics == nullptr) return;
  const auto [champion, cv] = SplitModelId(cc_.champion());
  const auto [challenger, hv] = SplitModelId(cc_.challenger());
  ctx_.ml_metrics->ServingVersion(champion, "champion", cv);
  ctx_.ml_metrics->ServingVersion(challenger, "challenger", hv);
  if (promoted != nullptr) ctx_.ml_metrics->Promoted(champion, cv, promoted->reason);
}

void ChampionChallengerOperator::MaybeRetrain(int64_t ts, Pending* p) {
  if (config_.retrain_every_ms <= 0 || !learner_.has_value()) return;
  if (next_retrain_ms_ < 0) {
    next_retrain_ms_ = ts + config_.retrain_every_ms;
    return;
  }
  if (ts < next_retrain_ms_) return;
  while (next_retrain_ms_ <= ts) next_retrain_ms_ += config_.retrain_every_ms;
  if (!cc_.champion_is_a() || cc_.phase() == ChampionChallenger::Phase::kProbation) {
    Audit(p, "retrain_skipped", ts, "the online learner serves or is on probation", nullptr);
    return;
  }
  OnlineLearner fresh(config_.challenger_learner);
  for (uint32_t e = 0; e < config_.retrain_epochs; ++e) {
    for (const auto& [x, y] : recent_) fresh.Learn(x, y);
  }
  learner_.emplace(std::move(fresh));
  ++generation_;
  cc_.ReplaceChallenger(LearnerId(), ts);
  Audit(p, "retrained", ts,
        absl::StrCat("challenger ", LearnerId(), " trained on the last ", recent_.size(),
                     " labels (", config_.retrain_epochs, " epoch(s))"),
        nullptr);
}

void ChampionChallengerOperator::Audit(Pending* p, const std::string& decision, int64_t ts,
                                       const std::string& reason, const Decision* d) {
  if (p->audit == nullptr) p->audit = std::make_unique<Batch>(audit_);
  engine::RowBatch& rows = p->audit->rows;
  Value* out = rows.AddRow();
  out[0] = Value::String(rows.CopyBytes(decision));
  out[1] = Value::Timestamp(ts);
  out[2] = Value::String(rows.CopyBytes(cc_.champion()));
  out[4] = Value::String(rows.CopyBytes(MetricName(config_.decision.metric)));
  if (d != nullptr) {
    out[3] = Value::String(rows.CopyBytes(d->previous_champion));
    out[5] = Value::Double(d->champion_metric);
    out[6] = Value::Double(d->other_metric);
    out[7] = Value::Double(d->recorded_metric);
    out[8] = Value::Int64(static_cast<int64_t>(d->labels));
  }
  out[9] = Value::String(rows.CopyBytes(reason));
  p->audit->timestamps.push_back(ts);
}

absl::Status ChampionChallengerOperator::Flush(Pending* p, engine::runtime::Output* out) {
  if (p->scored > 0 && ctx_.ml_metrics != nullptr && ctx_.clock != nullptr) {
    // One sample per flush: the champion's share is not timed separately.
    const auto [name, version] = SplitModelId(config_.champion.resolved);
    ctx_.ml_metrics->Scored(ctx_.job_id, name, version, p->scored,
                            ctx_.clock->MonotonicNanos() - p->start_ns);
  }
  if (p->main != nullptr) RETURN_IF_ERROR(out->Emit(std::move(p->main)));
  if (p->audit != nullptr) RETURN_IF_ERROR(out->EmitSide("audit", std::move(p->audit)));
  if (p->labelled != nullptr) RETURN_IF_ERROR(out->EmitSide("labelled", std::move(p->labelled)));
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
