// Validation of champion_challenger (declared in ml_validation.h).
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/ml_validation.h"
#include "engine/ml/operators/ml_validation_util.h"

namespace rtai::ml::ops {
namespace {

using engine::Field;
using engine::TypeId;

absl::Status ReadDecisionOptions(ConfigReader& c, ChampionChallengerOptions* o) {
  ASSIGN_OR_RETURN(std::string metric, c.String("metric", "auc"));
  if (metric == "auc") o->metric = Metric::kAuc;
  else if (metric == "log_loss") o->metric = Metric::kLogLoss;
  else if (metric == "accuracy") o->metric = Metric::kAccuracy;
  else return c.Error("metric", absl::StrCat("must be \"auc\", \"log_loss\" or \"accuracy\", got \"", metric, "\""));
  ASSIGN_OR_RETURN(int64_t window, c.Int("window", o->window));
  ASSIGN_OR_RETURN(o->promotion_margin, c.Double("promotion_margin", o->promotion_margin));
  ASSIGN_OR_RETURN(int64_t min_labels, c.Int("min_labels", static_cast<int64_t>(o->min_labels)));
  ASSIGN_OR_RETURN(o->bake_period_ms, c.Int("bake_period_ms", o->bake_period_ms));
  ASSIGN_OR_RETURN(o->rollback_margin, c.Double("rollback_margin", o->rollback_margin));
  ASSIGN_OR_RETURN(int64_t rb_labels,
                   c.Int("rollback_min_labels", static_cast<int64_t>(o->rollback_min_labels)));
  ASSIGN_OR_RETURN(o->probation_ms, c.Int("probation_ms", o->probation_ms));
  ASSIGN_OR_RETURN(int64_t every,
                   c.Int("evaluate_every_labels", o->evaluate_every_labels));
  if (window < 1 || window > (1 << 20)) return c.Error("window", "must be in [1, 1048576]");
  if (min_labels < 0 || rb_labels < 0) return c.Error("min_labels", "label counts must be >= 0");
  if (every < 1 || every > (1 << 20)) return c.Error("evaluate_every_labels", "must be in [1, 1048576]");
  o->window = static_cast<uint32_t>(window);
  o->min_labels = static_cast<uint64_t>(min_labels);
  o->rollback_min_labels = static_cast<uint64_t>(rb_labels);
  o->evaluate_every_labels = static_cast<uint32_t>(every);
  if (absl::Status s = o->Validate(); !s.ok()) return c.Error("metric", std::string(s.message()));
  return absl::OkStatus();
}

absl::Status ReadJoinAndSchedule(ConfigReader& c, const Schema& events, const Schema& labels,
                                 ChampionChallengerConfig* cfg) {
  ASSIGN_OR_RETURN(std::string id, c.String("id", "event_id"));
  ASSIGN_OR_RETURN(cfg->id_column, ResolveColumn(c, "id", id, events, false));
  ASSIGN_OR_RETURN(std::string label_id, c.String("label_id", id));
  ASSIGN_OR_RETURN(cfg->label_id_column, ResolveColumn(c, "label_id", label_id, labels, false));
  if (events.field(cfg->id_column).type != labels.field(cfg->label_id_column).type) {
    return c.Error("label_id", "must have the type of `id`");
  }
  ASSIGN_OR_RETURN(cfg->label_column, ReadLabelColumn(c, "label", labels));
  ASSIGN_OR_RETURN(cfg->label_timeout_ms, c.Int("label_timeout_ms", cfg->label_timeout_ms));
  if (cfg->label_timeout_ms < 0 || cfg->label_timeout_ms > 366LL * 86400000) {
    return c.Error("label_timeout_ms", "must be in [0, 366 days]");
  }
  ASSIGN_OR_RETURN(cfg->retrain_every_ms, c.Int("retrain_every_ms", 0));
  ASSIGN_OR_RETURN(int64_t last_n, c.Int("retrain_last_n", cfg->retrain_last_n));
  ASSIGN_OR_RETURN(int64_t epochs, c.Int("retrain_epochs", cfg->retrain_epochs));
  if (cfg->retrain_every_ms < 0) return c.Error("retrain_every_ms", "must be >= 0");
  if (last_n < 1 || last_n > (1 << 20)) return c.Error("retrain_last_n", "must be in [1, 1048576]");
  if (epochs < 1 || epochs > 100) return c.Error("retrain_epochs", "must be in [1, 100]");
  if (cfg->retrain_every_ms > 0 && !cfg->challenger_is_learner) {
    return c.Error("retrain_every_ms", "needs a `challenger_learner` to retrain");
  }
  cfg->retrain_last_n = static_cast<uint32_t>(last_n);
  cfg->retrain_epochs = static_cast<uint32_t>(epochs);
  ASSIGN_OR_RETURN(cfg->processing_time, c.Bool("processing_time", false));
  ASSIGN_OR_RETURN(int64_t max_buffered, c.Int("max_buffered", 2000000));
  if (max_buffered < 1 || max_buffered > 100000000) return c.Error("max_buffered", "must be in [1, 1e8]");
  cfg->max_buffered = static_cast<uint64_t>(max_buffered);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OperatorOutputs> ValidateChampionChallenger(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&,
    const SubmitServices& services) {
  const Schema& events = *in[0];
  const Schema& labels = *in[1];
  ChampionChallengerConfig cfg;
  ASSIGN_OR_RETURN(std::vector<std::string> features, c.StringList("champion_features", false));
  ASSIGN_OR_RETURN(cfg.champion, ReadModel(c, "champion", features, events, services));
  const bool has_model = c.Has("challenger");
  const bool has_learner = c.Has("challenger_learner");
  if (has_model == has_learner) {
    return c.Error("challenger", "give exactly one of `challenger` (a registry model) and "
                                 "`challenger_learner` (an online learner)");
  }
  cfg.challenger_is_learner = has_learner;
  if (has_learner) {
    ASSIGN_OR_RETURN(cfg.challenger_learner, ReadLearner(c, "challenger_learner", events));
  } else {
    ASSIGN_OR_RETURN(std::vector<std::string> cf, c.StringList("challenger_features", false));
    ASSIGN_OR_RETURN(cfg.challenger_model, ReadModel(c, "challenger", cf, events, services));
  }
  RETURN_IF_ERROR(ReadDecisionOptions(c, &cfg.decision));
  RETURN_IF_ERROR(ReadJoinAndSchedule(c, events, labels, &cfg));
  std::vector<Field> main = {{"score", TypeId::kDouble},
                             {"shadow_score", TypeId::kDouble},
                             {"model", TypeId::kString}};
  if (cfg.processing_time) main.push_back({"processed_at_ms", TypeId::kTimestamp});
  ASSIGN_OR_RETURN(auto main_schema, Extend(c, "champion", events, main));
  ASSIGN_OR_RETURN(auto labelled, Extend(c, "champion", events,
                                         {{"score", TypeId::kDouble},
                                          {"shadow_score", TypeId::kDouble},
                                          {"model", TypeId::kString},
                                          {"label", TypeId::kBool}}));
  auto audit = Schema::Create({{"decision", TypeId::kString},
                               {"event_time", TypeId::kTimestamp},
                               {"champion", TypeId::kString},
                               {"previous_champion", TypeId::kString},
                               {"metric", TypeId::kString},
                               {"champion_metric", TypeId::kDouble},
                               {"other_metric", TypeId::kDouble},
                               {"recorded_metric", TypeId::kDouble},
                               {"labels", TypeId::kInt64},
                               {"reason", TypeId::kString}});
  OperatorOutputs out{cfg, std::move(main_schema), {}};
  out.side["audit"] = std::make_shared<const Schema>(*std::move(audit));
  out.side["labelled"] = std::move(labelled);
  return out;
}

}  // namespace rtai::ml::ops
