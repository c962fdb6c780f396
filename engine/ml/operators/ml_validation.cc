#include "engine/ml/operators/ml_validation.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/ml_validation_util.h"

namespace rtai::ml::ops {
namespace {

using engine::Field;
using engine::TypeId;

constexpr int64_t kMaxWindowMs = 366LL * 24 * 3600 * 1000;

absl::StatusOr<uint32_t> ReadSize(ConfigReader& c, const std::string& field, int64_t fallback,
                                  int64_t lo, int64_t hi) {
  ASSIGN_OR_RETURN(int64_t v, c.Int(field, fallback));
  if (v < lo || v > hi) return c.Error(field, absl::StrCat("must be in [", lo, ", ", hi, "]"));
  return static_cast<uint32_t>(v);
}

}  // namespace

absl::StatusOr<OperatorOutputs> ValidateRollingFeatures(ConfigReader& c,
                                                        const std::vector<const Schema*>& in,
                                                        const SchemaMap&) {
  const Schema& input = *in[0];
  RollingFeaturesConfig cfg;
  ASSIGN_OR_RETURN(std::string key, c.String("key"));
  ASSIGN_OR_RETURN(cfg.key_column, ResolveColumn(c, "key", key, input, false));
  ASSIGN_OR_RETURN(cfg.value_name, c.String("value"));
  ASSIGN_OR_RETURN(cfg.value_column, ResolveColumn(c, "value", cfg.value_name, input, true));
  ASSIGN_OR_RETURN(auto windows, c.ObjectList("windows", /*required=*/false));
  if (windows.size() > 16) return c.Error("windows", "at most 16 windows");
  std::vector<Field> extra;
  for (size_t i = 0; i < windows.size(); ++i) {
    ConfigReader w(absl::StrCat(c.context(), ": windows[", i, "]"), windows[i]);
    RollingFeaturesConfig::Window win;
    ASSIGN_OR_RETURN(win.name, w.String("name"));
    ASSIGN_OR_RETURN(win.size_ms, w.Int("size_ms"));
    if (win.size_ms < 1 || win.size_ms > kMaxWindowMs) {
      return w.Error("size_ms", "must be in [1 ms, 366 days]");
    }
    RETURN_IF_ERROR(w.Finish());
    extra.push_back({absl::StrCat("count_", win.name), TypeId::kInt64});
    extra.push_back({absl::StrCat(cfg.value_name, "_", win.name), TypeId::kDouble});
    cfg.windows.push_back(std::move(win));
  }
  ASSIGN_OR_RETURN(cfg.zscore, c.Bool("zscore", true));
  if (cfg.zscore) extra.push_back({absl::StrCat(cfg.value_name, "_zscore"), TypeId::kDouble});
  ASSIGN_OR_RETURN(std::string lat, c.String("lat", ""));
  ASSIGN_OR_RETURN(std::string lon, c.String("lon", ""));
  if (lat.empty() != lon.empty()) return c.Error("lat", "`lat` and `lon` go together");
  if (!lat.empty()) {
    ASSIGN_OR_RETURN(cfg.lat_column, ResolveColumn(c, "lat", lat, input, true));
    ASSIGN_OR_RETURN(cfg.lon_column, ResolveColumn(c, "lon", lon, input, true));
    extra.push_back({"distance_km", TypeId::kDouble});
  }
  ASSIGN_OR_RETURN(int64_t max_keys, c.Int("max_keys", 1000000));
  if (max_keys < 1 || max_keys > 100000000) return c.Error("max_keys", "must be in [1, 1e8]");
  cfg.max_keys = static_cast<uint64_t>(max_keys);
  ASSIGN_OR_RETURN(cfg.max_events_per_key, ReadSize(c, "max_events_per_key", 4096, 1, 1 << 20));
  if (extra.empty()) return c.Error("windows", "no feature configured (add windows, zscore or lat/lon)");
  ASSIGN_OR_RETURN(auto schema, Extend(c, "windows", input, extra));
  return OperatorOutputs{cfg, std::move(schema), {}};
}

absl::StatusOr<OperatorOutputs> ValidateScore(ConfigReader& c,
                                              const std::vector<const Schema*>& in,
                                              const SchemaMap&, const SubmitServices& services) {
  const Schema& input = *in[0];
  ScoreConfig cfg;
  ASSIGN_OR_RETURN(std::vector<std::string> features, c.StringList("features", false));
  ASSIGN_OR_RETURN(cfg.model, ReadModel(c, "model", features, input, services));
  ASSIGN_OR_RETURN(cfg.output, c.String("output", "score"));
  ASSIGN_OR_RETURN(int64_t batch, c.Int("batch_rows", 256));
  if (batch < 1 || batch > 65536) return c.Error("batch_rows", "must be in [1, 65536]");
  cfg.batch_rows = static_cast<int>(batch);
  std::vector<Field> extra;
  uint32_t outputs = 1;
  if (const auto* t = std::get_if<TreeEnsemble>(&cfg.model.model->model)) outputs = t->num_outputs();
  if (outputs == 1) {
    extra.push_back({cfg.output, TypeId::kDouble});
  } else {
    for (uint32_t k = 0; k < outputs; ++k) {
      extra.push_back({absl::StrCat(cfg.output, "_", k), TypeId::kDouble});
    }
  }
  ASSIGN_OR_RETURN(auto schema, Extend(c, "output", input, extra));
  return OperatorOutputs{cfg, std::move(schema), {}};
}

absl::StatusOr<OperatorOutputs> ValidateLearn(ConfigReader& c,
                                              const std::vector<const Schema*>& in,
                                              const SchemaMap&) {
  const Schema& input = *in[0];
  LearnConfig cfg;
  ASSIGN_OR_RETURN(cfg.learner, ReadLearner(c, "learner", input));
  ASSIGN_OR_RETURN(cfg.label_column, ReadLabelColumn(c, "label", input));
  ASSIGN_OR_RETURN(cfg.output, c.String("output", "prediction"));
  ASSIGN_OR_RETURN(auto schema, Extend(c, "output", input, {{cfg.output, TypeId::kDouble}}));
  return OperatorOutputs{cfg, std::move(schema), {}};
}

absl::StatusOr<OperatorOutputs> ValidateDrift(ConfigReader& c,
                                              const std::vector<const Schema*>& in,
                                              const SchemaMap&) {
  const Schema& input = *in[0];
  DriftConfig cfg;
  ASSIGN_OR_RETURN(std::string prediction, c.String("prediction", "score"));
  ASSIGN_OR_RETURN(cfg.prediction_column, ResolveColumn(c, "prediction", prediction, input, true));
  ASSIGN_OR_RETURN(std::string label, c.String("label", "label"));
  ASSIGN_OR_RETURN(cfg.label_column, ResolveColumn(c, "label", label, input, true));
  ASSIGN_OR_RETURN(cfg.threshold, c.Double("threshold", 0.5));
  ASSIGN_OR_RETURN(std::vector<std::string> detectors, c.StringList("detectors", false));
  if (c.Has("detectors")) {
    cfg.adwin = cfg.page_hinkley = cfg.ddm = false;
    for (const std::string& d : detectors) {
      if (d == "adwin") cfg.adwin = true;
      else if (d == "page_hinkley") cfg.page_hinkley = true;
      else if (d == "ddm") cfg.ddm = true;
      else return c.Error("detectors", absl::StrCat("unknown detector `", d, "` (adwin, page_hinkley, ddm)"));
    }
  }
  ASSIGN_OR_RETURN(cfg.adwin_options.delta, c.Double("adwin_delta", cfg.adwin_options.delta));
  ASSIGN_OR_RETURN(cfg.ph_options.threshold, c.Double("ph_threshold", cfg.ph_options.threshold));
  ASSIGN_OR_RETURN(cfg.ph_options.delta, c.Double("ph_delta", cfg.ph_options.delta));
  ASSIGN_OR_RETURN(cfg.ddm_options.drift_threshold,
                   c.Double("ddm_drift_threshold", cfg.ddm_options.drift_threshold));
  ASSIGN_OR_RETURN(cfg.ddm_options.warm_start, ReadSize(c, "ddm_warm_start", 30, 1, 1 << 24));
  for (absl::Status s : {cfg.adwin_options.Validate(), cfg.ph_options.Validate(),
                         cfg.ddm_options.Validate()}) {
    if (!s.ok()) return c.Error("detectors", absl::StrCat("options: ", s.message()));
  }
  ASSIGN_OR_RETURN(cfg.feature_names, c.StringList("features", false));
  if (cfg.feature_names.size() > 256) return c.Error("features", "at most 256 features");
  for (const std::string& f : cfg.feature_names) {
    ASSIGN_OR_RETURN(int col, ResolveColumn(c, "features", f, input, true));
    cfg.feature_columns.push_back(col);
  }
  ASSIGN_OR_RETURN(cfg.monitor.reference_size, ReadSize(c, "reference_size", 1000, 2, 1 << 20));
  ASSIGN_OR_RETURN(cfg.monitor.window, ReadSize(c, "window", 1000, 2, 1 << 20));
  ASSIGN_OR_RETURN(cfg.monitor.bins, ReadSize(c, "bins", 10, 2, 1000));
  ASSIGN_OR_RETURN(cfg.psi_threshold, c.Double("psi_threshold", 0.25));
  ASSIGN_OR_RETURN(cfg.ks_p_value, c.Double("ks_p_value", 0.001));
  if (cfg.ks_p_value < 0 || cfg.ks_p_value > 1) return c.Error("ks_p_value", "must be in [0, 1]");
  ASSIGN_OR_RETURN(cfg.check_every, ReadSize(c, "check_every", 100, 1, 1 << 24));
  auto schema = Schema::Create({{"detector", TypeId::kString},
                                {"feature", TypeId::kString},
                                {"event_time", TypeId::kTimestamp},
                                {"statistic", TypeId::kDouble},
                                {"threshold", TypeId::kDouble},
                                {"observations", TypeId::kInt64}});
  return OperatorOutputs{cfg, std::make_shared<const Schema>(*std::move(schema)), {}};
}

}  // namespace rtai::ml::ops
